using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.Storage.Diagnostics;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>Foundation.Storage</c>.</summary>
public sealed class StorageTelemetry : IDisposable
{
    /// <summary>The meter's and activity source's name.</summary>
    public const string Name = "Foundation.Storage";

    private readonly Meter _meter;

    /// <summary>Creates the instruments (through <paramref name="meterFactory"/> when given).</summary>
    public StorageTelemetry(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Uploaded = _meter.CreateCounter<long>("foundation.storage.uploaded", "By", "Bytes of files stored.");
        Refused = _meter.CreateCounter<long>("foundation.storage.refused", "{upload}", "Uploads refused (tag reason: too_large, quota, type, invalid).");
        Downloaded = _meter.CreateCounter<long>("foundation.storage.downloads", "{download}", "Downloads started (tag via: api, link).");
    }

    /// <summary>The activity source.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    internal Counter<long> Uploaded { get; }

    internal Counter<long> Refused { get; }

    internal Counter<long> Downloaded { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
