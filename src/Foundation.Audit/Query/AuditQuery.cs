namespace Foundation.Audit.Query;

/// <summary>Filters of an audit query; every one is optional. The tenant is not a filter: it is always the caller's.</summary>
public sealed record AuditQuery
{
    /// <summary>The largest page.</summary>
    public const int MaxLimit = 500;

    /// <summary>The page size when none is given.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Events by this actor: a user id or an API key id.</summary>
    public string? Actor { get; init; }

    /// <summary>Events whose action starts with this (<c>auth.</c>, <c>auth.login</c>).</summary>
    public string? ActionPrefix { get; init; }

    /// <summary>Events on this kind of target.</summary>
    public string? TargetType { get; init; }

    /// <summary>Events on this target id.</summary>
    public string? TargetId { get; init; }

    /// <summary><c>success</c>, <c>failure</c> or <c>denied</c>.</summary>
    public string? Outcome { get; init; }

    /// <summary>Events at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Events before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/> (default <see cref="DefaultLimit"/>); ignored by exports.</summary>
    public int? Limit { get; init; }

    /// <summary>The <see cref="AuditPage.NextPageToken"/> of the previous page (same tenant, same filters); ignored by exports.</summary>
    public string? PageToken { get; init; }
}
