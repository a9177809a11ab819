using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.Storage.Diagnostics;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>Foundation.Storage</c>.</summary>
public sealed class StorageTelemetry : IDisposable
{
    /// <summary>The meter's and activity source's name.</summary>
    public const string Name = "Foundation.Storage";

    private readonly Meter _meter;
    private long _lastBackup;

    /// <summary>Creates the instruments (through <paramref name="meterFactory"/> when given).</summary>
    public StorageTelemetry(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Uploaded = _meter.CreateCounter<long>("foundation.storage.uploaded", "By", "Bytes of files stored.");
        Refused = _meter.CreateCounter<long>("foundation.storage.refused", "{upload}", "Uploads refused (tag reason: too_large, quota, type, invalid).");
        Downloaded = _meter.CreateCounter<long>("foundation.storage.downloads", "{download}", "Downloads started (tag via: api, link, thumbnail).");
        Backups = _meter.CreateCounter<long>("foundation.storage.backups", "{backup}", "Backups attempted (tag outcome: success, failure).");
        _meter.CreateObservableGauge("foundation.storage.backup.last_success.timestamp", ObserveLastBackup, "s",
            "Unix time of the last successful backup (absent until one succeeded or was found in the target).");
    }

    /// <summary>The activity source.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    internal Counter<long> Uploaded { get; }

    internal Counter<long> Refused { get; }

    internal Counter<long> Downloaded { get; }

    internal Counter<long> Backups { get; }

    /// <summary>When the last backup succeeded (made by this process, or the newest found in the target at start).</summary>
    public DateTimeOffset? LastBackupSuccess
    {
        get => _lastBackup is 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _lastBackup));
        internal set
        {
            var ms = value?.ToUnixTimeMilliseconds() ?? 0;
            long seen;
            do
            {
                seen = Interlocked.Read(ref _lastBackup);
                if (ms <= seen)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref _lastBackup, ms, seen) != seen);
        }
    }

    private IEnumerable<Measurement<double>> ObserveLastBackup() =>
        Interlocked.Read(ref _lastBackup) is var ms and > 0 ? [new Measurement<double>(ms / 1000.0)] : [];

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
