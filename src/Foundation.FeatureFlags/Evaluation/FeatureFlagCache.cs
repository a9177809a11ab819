using System.Collections.Concurrent;
using Foundation.Caching;
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
/// once. The change is also published on the <see cref="ICacheInvalidationBus"/> (topic <see cref="InvalidationTopic"/>, key the
/// organisation id): with Foundation.Hosting's Redis bus every other instance drops its entry within about a second; with the
/// in-process default (one instance, or no Redis) the other instances see it at the latest <c>CacheTtl</c> after the commit, which
/// stays the bound when a message is lost.
/// </summary>
public sealed class FeatureFlagCache : IDisposable
{
    /// <summary>The <see cref="ICacheInvalidationBus"/> topic of this cache: <c>foundation.feature-flags</c>; the key is the organisation id.</summary>
    public const string InvalidationTopic = "foundation.feature-flags";

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<FeatureFlagsOptions> _options;
    private readonly FeatureFlagsTelemetry _telemetry;
    private readonly Lock _gate = new();
    private readonly ICacheInvalidationBus? _bus;
    private readonly IDisposable? _subscription;
    private long _generation;

    internal FeatureFlagCache(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<FeatureFlagsOptions> options, FeatureFlagsTelemetry telemetry,
        ICacheInvalidationBus? bus = null)
    {
        _scopes = scopes;
        _time = time;
        _options = options;
        _telemetry = telemetry;
        _bus = bus;
        _subscription = bus?.Subscribe(InvalidationTopic, Evict);
    }

    /// <summary>Drops the cached flags of <paramref name="tenantId"/>, here and on the other instances: the next evaluation reads them from the database.</summary>
    public void Invalidate(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        Evict(tenantId);
        _bus?.Publish(InvalidationTopic, tenantId);
    }

    /// <summary>Drops every organisation's cached flags, here and on the other instances.</summary>
    public void InvalidateAll()
    {
        Evict(CacheInvalidation.AllKeys);
        _bus?.Publish(InvalidationTopic, CacheInvalidation.AllKeys);
    }

    /// <summary>Stops listening to the bus.</summary>
    public void Dispose() => _subscription?.Dispose();

    private void Evict(string tenantId)
    {
        lock (_gate)
        {
            _generation++;
            if (string.Equals(tenantId, CacheInvalidation.AllKeys, StringComparison.Ordinal))
            {
                _entries.Clear();
            }
            else
            {
                _entries.TryRemove(tenantId, out _);
            }
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
