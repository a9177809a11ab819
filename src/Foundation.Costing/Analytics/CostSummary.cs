namespace Foundation.Costing.Analytics;

/// <summary>The KPIs of a range.</summary>
/// <param name="From">Start.</param>
/// <param name="To">End.</param>
/// <param name="Requests">Calls.</param>
/// <param name="UniqueUsers">Distinct users.</param>
/// <param name="Errors">Calls that failed (refusals included).</param>
/// <param name="ErrorRate">Errors / requests (0 when none).</param>
/// <param name="AverageLatencyMs">Mean latency.</param>
/// <param name="P95LatencyMs">95th percentile latency (nearest rank, computed in SQL).</param>
/// <param name="TotalCostUsd">Cost of priced calls.</param>
/// <param name="UnpricedRequests">Calls with tokens but no price (their cost is unknown, not zero).</param>
/// <param name="InputTokens">All input tokens.</param>
/// <param name="CachedInputTokens">Cache reads.</param>
/// <param name="OutputTokens">All output tokens.</param>
/// <param name="TotalTokens">Input + output.</param>
public sealed record CostSummary(DateTimeOffset From, DateTimeOffset To, long Requests, long UniqueUsers, long Errors, double ErrorRate, double AverageLatencyMs,
    double P95LatencyMs, decimal TotalCostUsd, long UnpricedRequests, long InputTokens, long CachedInputTokens, long OutputTokens, long TotalTokens);
