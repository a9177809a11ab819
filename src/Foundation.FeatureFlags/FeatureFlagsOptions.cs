using Foundation.Abstractions.Authorization;

namespace Foundation.FeatureFlags;

/// <summary>Options of Foundation.FeatureFlags, bound from <c>Foundation:FeatureFlags</c>.</summary>
public sealed class FeatureFlagsOptions
{
    /// <summary>The configuration section: <c>Foundation:FeatureFlags</c>.</summary>
    public const string SectionName = "Foundation:FeatureFlags";

    /// <summary>
    /// How long one instance keeps an organisation's flags before it reads them again (default 30 seconds, at most 1 hour).
    /// A change made on an instance is visible there at once (its cache entry is dropped); on every other instance it is
    /// visible at the latest this long after it was committed. Zero reads the database on every evaluation.
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The authorization policy of the admin API (<c>/api/v1/feature-flags</c>). Default <see cref="FoundationPolicies.Admin"/>
    /// (admins and owners of the caller's organisation).
    /// </summary>
    public string AdminPolicy { get; set; } = FoundationPolicies.Admin;

    /// <summary>
    /// The authorization policy of <c>GET /api/v1/features</c> (the caller's evaluated flags). Empty (the default) requires an
    /// authenticated caller.
    /// </summary>
    public string? ReadPolicy { get; set; }

    /// <summary>The most flags one organisation may keep (default 500).</summary>
    public int MaxFlagsPerOrganization { get; set; } = 500;
}
