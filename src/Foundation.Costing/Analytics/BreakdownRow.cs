namespace Foundation.Costing.Analytics;

/// <summary>One group of a breakdown.</summary>
/// <param name="Key">The dimension's value (<see langword="null"/>: not set, e.g. calls without an API key).</param>
/// <param name="Requests">Calls.</param>
/// <param name="Errors">Failed calls.</param>
/// <param name="CostUsd">Cost.</param>
/// <param name="UnpricedRequests">Unpriced calls.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="TotalTokens">Tokens.</param>
/// <param name="AverageLatencyMs">Mean latency.</param>
public sealed record BreakdownRow(string? Key, long Requests, long Errors, decimal CostUsd, long UnpricedRequests, long InputTokens, long OutputTokens, long TotalTokens, double AverageLatencyMs);
