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
