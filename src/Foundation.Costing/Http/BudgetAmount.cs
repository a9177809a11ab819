namespace Foundation.Costing.Http;

/// <summary>An amount of a budget: money and/or tokens (the <c>limit</c> and <c>spent</c> of a budget refusal's problem).</summary>
/// <param name="Usd">USD.</param>
/// <param name="Tokens">Tokens.</param>
public sealed record BudgetAmount(decimal? Usd, long? Tokens);
