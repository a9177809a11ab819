using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.FeatureFlags.Diagnostics;

/// <summary>The package's <see cref="Meter"/> and <see cref="ActivitySource"/>, both named <c>Foundation.FeatureFlags</c>.</summary>
internal sealed class FeatureFlagsTelemetry : IDisposable
{
    public const string Name = "Foundation.FeatureFlags";

    private readonly Meter _meter;

    public FeatureFlagsTelemetry(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        CacheLoads = _meter.CreateCounter<long>("foundation.feature_flags.cache.loads", "{load}",
            "Organisations' flags read from the database into an instance's cache (a miss or an expired entry).");
        Changes = _meter.CreateCounter<long>("foundation.feature_flags.changes", "{change}",
            "Flags created, updated or deleted (attribute: foundation.feature_flags.change).");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    public Counter<long> CacheLoads { get; }

    public Counter<long> Changes { get; }

    public void Dispose() => _meter.Dispose();
}
