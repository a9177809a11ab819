namespace Foundation.Costing.Analytics;

/// <summary>One bucket of a time series.</summary>
/// <param name="BucketStart">Start of the hour or day (UTC instant; days start at local midnight of the query's time zone).</param>
/// <param name="Key">The group's value (provider, model, ...) or <see langword="null"/> without grouping.</param>
/// <param name="Requests">Calls.</param>
/// <param name="Errors">Failed calls.</param>
/// <param name="CostUsd">Cost.</param>
/// <param name="TotalTokens">Tokens.</param>
public sealed record TimeSeriesPoint(DateTimeOffset BucketStart, string? Key, long Requests, long Errors, decimal CostUsd, long TotalTokens);
