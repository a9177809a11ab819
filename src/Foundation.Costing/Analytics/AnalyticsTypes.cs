namespace Foundation.Costing.Analytics;

/// <summary>
/// What to analyse: a tenant (required for tenant admins; <see langword="null"/> only for a platform operator looking across tenants),
/// a range (<c>24h</c>, <c>7d</c>, <c>30d</c>, <c>90d</c>, or <c>custom</c> with <see cref="From"/> and <see cref="To"/>) and optional filters.
/// Bind it from the query string; every bad value throws <see cref="CostingValidationException"/> naming the field.
/// </summary>
public sealed record AnalyticsQuery
{
    /// <summary>The tenant; the HTTP layer sets it from the caller, never from the request.</summary>
    public string? TenantId { get; init; }

    /// <summary><c>24h</c>, <c>7d</c>, <c>30d</c> (default), <c>90d</c> or <c>custom</c>.</summary>
    public string? Range { get; init; }

    /// <summary>Start of a custom range (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>End of a custom range (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only this provider.</summary>
    public string? Provider { get; init; }

    /// <summary>Only this model.</summary>
    public string? Model { get; init; }

    /// <summary>Only this user.</summary>
    public string? UserId { get; init; }

    /// <summary>Only this API key.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>The IANA time zone of day buckets; default <c>Foundation:Costing:TimeZone</c>.</summary>
    public string? TimeZone { get; init; }
}

/// <summary>A resolved range.</summary>
/// <param name="From">Start (inclusive).</param>
/// <param name="To">End (exclusive).</param>
/// <param name="Name">The range name as given (<c>30d</c>, <c>custom</c>, ...).</param>
public readonly record struct AnalyticsRange(DateTimeOffset From, DateTimeOffset To, string Name);

/// <summary>The dimensions analytics group by.</summary>
public enum AnalyticsDimension
{
    /// <summary>Provider.</summary>
    Provider,

    /// <summary>Model.</summary>
    Model,

    /// <summary>User.</summary>
    User,

    /// <summary>Tenant.</summary>
    Tenant,

    /// <summary>API key.</summary>
    ApiKey,

    /// <summary>Team.</summary>
    Team,

    /// <summary>Deployment.</summary>
    Deployment,
}

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

/// <summary>One bucket of a time series.</summary>
/// <param name="BucketStart">Start of the hour or day (UTC instant; days start at local midnight of the query's time zone).</param>
/// <param name="Key">The group's value (provider, model, ...) or <see langword="null"/> without grouping.</param>
/// <param name="Requests">Calls.</param>
/// <param name="Errors">Failed calls.</param>
/// <param name="CostUsd">Cost.</param>
/// <param name="TotalTokens">Tokens.</param>
public sealed record TimeSeriesPoint(DateTimeOffset BucketStart, string? Key, long Requests, long Errors, decimal CostUsd, long TotalTokens);

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
