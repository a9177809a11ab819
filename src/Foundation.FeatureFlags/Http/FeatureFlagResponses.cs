namespace Foundation.FeatureFlags;

/// <summary>The answer of <c>GET /api/v1/features</c>: each flag's name and whether it is on for the caller.</summary>
/// <param name="Features">Flag name to on/off, for the caller.</param>
public sealed record EvaluatedFeatures(IReadOnlyDictionary<string, bool> Features);

/// <summary>The answer of <c>GET /api/v1/feature-flags</c>.</summary>
/// <param name="Items">The organisation's flags, by name.</param>
public sealed record FeatureFlagList(IReadOnlyList<FeatureFlag> Items);
