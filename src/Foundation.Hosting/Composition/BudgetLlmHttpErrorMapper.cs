using Foundation.Costing.Budgets;
using Foundation.Llm.Routing.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Foundation.Hosting.Composition;

/// <summary>
/// Foundation.Costing's budget refusal (raised by the metering decorator inside the router) answered by the LLM endpoints: 402,
/// OpenAI <c>type</c> <c>insufficient_quota</c> and <c>code</c> <c>budget_exceeded</c> on <c>/v1</c>; on <c>/api/v1/llm/chat</c>
/// the problem also names the budget, its scope, limit, spending and reset time. Composition: neither package knows the other.
/// </summary>
internal sealed class BudgetLlmHttpErrorMapper : ILlmHttpErrorMapper
{
    public LlmHttpError? Map(Exception exception) => exception is BudgetExceededException budget
        ? new LlmHttpError(StatusCodes.Status402PaymentRequired, "insufficient_quota", "budget_exceeded", null, budget.Message)
        {
            ProblemExtensions = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["budget"] = budget.BudgetName,
                ["budgetId"] = budget.BudgetId,
                ["scope"] = budget.Scope.ToString().ToLowerInvariant(),
                ["limit"] = new BudgetAmountBody(budget.LimitUsd, budget.LimitTokens),
                ["spent"] = new BudgetAmountBody(budget.SpentUsd, budget.SpentTokens),
                ["resetsAt"] = budget.ResetsAt,
            },
        }
        : null;

    /// <summary>An amount in dollars and tokens, as the budget problem shows it (<c>{"usd", "tokens"}</c>).</summary>
    internal sealed record BudgetAmountBody(decimal? Usd, long? Tokens);
}
