using System.Collections.Concurrent;
using Foundation.FeatureFlags.Diagnostics;
using Foundation.FeatureFlags.Evaluation;
using Foundation.FeatureFlags.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace Foundation.FeatureFlags;

/// <summary>
/// One instance's copy of each organisation's flags, as Microsoft.FeatureManagement definitions. An organisation's flags are read
/// from the database on first use and kept for <see cref="FeatureFlagsOptions.CacheTtl"/>; a change made through
/// <see cref="FeatureFlagService"/> on this instance drops the organisation's entry after its commit, so it is visible here at
/// once, and on every other instance at the latest <c>CacheTtl</c> after the commit. A host with a shared bus (Redis pub/sub)
/// calls <see cref="Invalidate"/> on every instance when a change is announced, to make that bound shorter.
/// </summary>
public sealed class FeatureFlagCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<FeatureFlagsOptions> _options;
    private readonly FeatureFlagsTelemetry _telemetry;
    private readonly Lock _gate = new();
    private long _generation;

    internal FeatureFlagCache(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<FeatureFlagsOptions> options, FeatureFlagsTelemetry telemetry)
    {
        _scopes = scopes;
        _time = time;
        _options = options;
        _telemetry = telemetry;
    }

    /// <summary>Drops the cached flags of <paramref name="tenantId"/>: the next evaluation reads them from the database.</summary>
    public void Invalidate(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        lock (_gate)
        {
            _generation++;
            _entries.TryRemove(tenantId, out _);
        }
    }

    /// <summary>Drops every organisation's cached flags.</summary>
    public void InvalidateAll()
    {
        lock (_gate)
        {
            _generation++;
            _entries.Clear();
        }
    }

    /// <summary>The flags of <paramref name="tenantId"/> by name (case-insensitive), from the cache or the database.</summary>
    internal async ValueTask<IReadOnlyDictionary<string, FeatureDefinition>> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var entry) && entry.ExpiresAt > now)
        {
            return entry.Definitions;
        }

        long generation;
        lock (_gate)
        {
            generation = _generation;
        }

        var definitions = await LoadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var ttl = _options.CurrentValue.CacheTtl;
        if (ttl > TimeSpan.Zero)
        {
            lock (_gate)
            {
                // A change committed while this load read the database must not be hidden behind what the load saw.
                if (generation == _generation)
                {
                    _entries[tenantId] = new Entry(definitions, now + ttl);
                }
            }
        }

        return definitions;
    }

    /// <summary>Called by <see cref="FeatureFlagService"/> after a committed change.</summary>
    internal void OnChanged(string tenantId) => Invalidate(tenantId);

    private async Task<IReadOnlyDictionary<string, FeatureDefinition>> LoadAsync(string tenantId, CancellationToken cancellationToken)
    {
        _telemetry.CacheLoads.Add(1);
        using var activity = FeatureFlagsTelemetry.ActivitySource.StartActivity("feature_flags.load");
        activity?.SetTag("foundation.tenant_id", tenantId);
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetService<FeatureFlagsDbContext>() ?? throw new InvalidOperationException(FeatureFlagsDatabaseMigrator.NoStoreMessage);
            var rows = await db.Flags.AsNoTracking().Where(f => f.TenantId == tenantId).ToListAsync(cancellationToken).ConfigureAwait(false);
            var definitions = new Dictionary<string, FeatureDefinition>(rows.Count, StringComparer.OrdinalIgnoreCase);
            foreach (var row in rows)
            {
                definitions[row.Name] = FeatureDefinitions.From(row);
            }

            return definitions;
        }
    }

    private sealed record Entry(IReadOnlyDictionary<string, FeatureDefinition> Definitions, DateTimeOffset ExpiresAt);
}
