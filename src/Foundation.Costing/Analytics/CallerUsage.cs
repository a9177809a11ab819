namespace Foundation.Costing.Analytics;

/// <summary>A caller's own usage (for <c>/api/v1/usage/me</c>).</summary>
/// <param name="From">Start.</param>
/// <param name="To">End.</param>
/// <param name="Requests">Calls.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="TotalTokens">Tokens.</param>
/// <param name="CostUsd">Cost.</param>
/// <param name="UnpricedRequests">Unpriced calls.</param>
public sealed record CallerUsage(DateTimeOffset From, DateTimeOffset To, long Requests, long InputTokens, long OutputTokens, long TotalTokens, decimal CostUsd, long UnpricedRequests);
