using System.Diagnostics.Metrics;
using Foundation.Storage.Backups;
using Foundation.Storage.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foundation.Storage.Tests.Backups;

/// <summary>The cron scheduler on a fake clock: backups at each occurrence, grandfather-father-son retention, the last-success metric.</summary>
public sealed class BackupScheduleTests : IAsyncLifetime
{
    private LiveDatabase _database = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _database = await LiveDatabase.CreateAsync(BackupDatabaseProvider.Sqlite);
        await _database.InsertAsync(1, 10);
        _folder = Backups.TempFolder();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Six_hourly_backups_over_seventy_days_keep_exactly_the_grandfather_father_son_set()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero));
        var options = Backups.Options(_database);
        options.Enabled = true;
        options.Schedule = "0 */6 * * *";
        options.Retention = new BackupRetentionOptions { Hourly = 3, Daily = 2, Weekly = 2, Monthly = 2 };
        // Its own meter (scoped to this test), so other tests' StorageTelemetry instances running meanwhile are not observed.
        using var meters = new ScopedMeterFactory();
        using var telemetry = new StorageTelemetry(meters);
        var target = new FileSystemBackupTarget(_folder);
        var service = Backups.Service(options, target, time, telemetry);
        using var provider = new ServiceCollection().AddSingleton(service).BuildServiceProvider();
        using var scheduler = new BackupScheduler(provider, Microsoft.Extensions.Options.Options.Create(new StorageOptions { Backups = options }), time, telemetry,
            NullLogger<BackupScheduler>.Instance);
        var runs = System.Threading.Channels.Channel.CreateUnbounded<BackupManifest?>();
        scheduler.RunCompleted = m => runs.Writer.TryWrite(m);
        var waiting = System.Threading.Channels.Channel.CreateUnbounded<DateTimeOffset>();
        scheduler.Waiting = next => waiting.Writer.TryWrite(next);

        using var listener = new MeterListener();
        double? gauge = null;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Meter.Name == StorageTelemetry.Name && instrument.Name == "foundation.storage.backup.last_success.timestamp")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => gauge = value);
        listener.Start();
        listener.RecordObservableInstruments();
        gauge.ShouldBeNull(); // no backup yet: no sample, rather than a misleading 0

        await scheduler.StartAsync(CancellationToken.None);
        for (var i = 0; i < 280; i++)
        {
            // The scheduler waits on the fake clock; each step reaches the next occurrence (00:00, 06:00, 12:00, 18:00 UTC).
            var next = await waiting.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            next.ShouldBe(At(2026, 1, 1, 0).AddHours(6 * i));
            time.Advance(next - time.GetUtcNow());
            var made = await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            made.ShouldNotBeNull();
            made.CreatedAt.ShouldBe(time.GetUtcNow());
        }

        await scheduler.StopAsync(CancellationToken.None);

        var kept = (await service.ListAsync()).Select(m => m.CreatedAt).Order().ToList();
        kept.ShouldBe(
        [
            At(2026, 2, 28, 18), // monthly: February
            At(2026, 3, 8, 18),  // weekly: ISO week 10 (2 to 8 March)
            At(2026, 3, 10, 18), // daily
            At(2026, 3, 11, 6),  // hourly
            At(2026, 3, 11, 12), // hourly
            At(2026, 3, 11, 18), // newest: hourly, daily, weekly (week 11), monthly (March)
        ]);
        (await target.ListAsync()).Count.ShouldBe(12); // a file and a manifest each, nothing else left

        telemetry.LastBackupSuccess.ShouldBe(At(2026, 3, 11, 18));
        listener.RecordObservableInstruments();
        gauge.ShouldBe(At(2026, 3, 11, 18).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_failed_scheduled_run_is_counted_and_the_next_occurrence_still_runs()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 30, 0, TimeSpan.Zero));
        var options = Backups.Options(_database);
        options.Enabled = true;
        var missing = Backups.Options(_database);
        missing.Database.ConnectionString = $"Data Source={Path.Combine(_folder, "missing.db")}";
        using var telemetry = new StorageTelemetry(null);
        var current = options;
        var storage = new StorageOptions { Backups = missing };
        var service = new BackupService(Microsoft.Extensions.Options.Options.Create(storage), new FileSystemBackupTarget(_folder), time, telemetry, NullLogger<BackupService>.Instance);
        using var provider = new ServiceCollection().AddSingleton(service).BuildServiceProvider();
        using var scheduler = new BackupScheduler(provider, Microsoft.Extensions.Options.Options.Create(new StorageOptions { Backups = options }), time, telemetry,
            NullLogger<BackupScheduler>.Instance);
        var runs = System.Threading.Channels.Channel.CreateUnbounded<BackupManifest?>();
        scheduler.RunCompleted = m => runs.Writer.TryWrite(m);
        var waiting = System.Threading.Channels.Channel.CreateUnbounded<DateTimeOffset>();
        scheduler.Waiting = next => waiting.Writer.TryWrite(next);
        await scheduler.StartAsync(CancellationToken.None);

        (await waiting.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe(new DateTimeOffset(2026, 6, 1, 1, 0, 0, TimeSpan.Zero));
        time.Advance(TimeSpan.FromMinutes(30));
        (await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBeNull();
        telemetry.LastBackupSuccess.ShouldBeNull();

        storage.Backups = current; // the database is back
        (await waiting.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe(new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero));
        time.Advance(TimeSpan.FromHours(1));
        var made = await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        made.ShouldNotBeNull();
        made.CreatedAt.ShouldBe(new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero));
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Retention_levels_set_to_zero_keep_only_the_newest()
    {
        var backups = Enumerable.Range(0, 10).Select(i => new BackupManifest
        {
            Id = $"b{i}", CreatedAt = At(2026, 1, 1, 0).AddDays(i), Provider = "sqlite", PlaintextBytes = 1, PlaintextSha256 = "", StoredBytes = 1,
            StoredSha256 = "", KeyId = "k", ChunkCount = 1,
        });
        BackupRetention.Keep(backups, new BackupRetentionOptions { Hourly = 0, Daily = 0, Weekly = 0, Monthly = 0 }).ShouldBe(["b9"]);
        BackupRetention.Keep(backups, new BackupRetentionOptions { Hourly = 0, Daily = 3, Weekly = 0, Monthly = 0 }).Order(StringComparer.Ordinal).ShouldBe(["b7", "b8", "b9"]);
    }

    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }

    private static DateTimeOffset At(int year, int month, int day, int hour) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);
}
