using System.Collections.Concurrent;
using Foundation.Caching;
using Foundation.Costing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Budgets;

/// <summary>
/// The enabled budgets of each tenant, cached per instance so a metered call does not query them. A change made through this instance's
/// <see cref="BudgetService"/> invalidates the tenant at once; a change made on another instance is seen within
/// <see cref="BudgetOptions.DefinitionCacheSeconds"/> (the entry's age limit), or within about a second when the
/// <see cref="ICacheInvalidationBus"/> reaches the other instances (Foundation.Hosting's Redis bus): every invalidation is
/// published on <see cref="InvalidationTopic"/>. Entries are read-only snapshots.
/// </summary>
internal sealed class BudgetDefinitionCache : IDisposable
{
    /// <summary>The <see cref="ICacheInvalidationBus"/> topic of this cache; the key is the tenant id.</summary>
    public const string InvalidationTopic = "foundation.costing.budgets";

    private readonly ConcurrentDictionary<string, Entry> _tenants = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly ICacheInvalidationBus? _bus;
    private readonly IDisposable? _subscription;
    private long _generation;

    public BudgetDefinitionCache(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<CostingOptions> options, ICacheInvalidationBus? bus = null)
    {
        _scopes = scopes;
        _time = time;
        _options = options;
        _bus = bus;
        _subscription = bus?.Subscribe(InvalidationTopic, Evict);
    }

    /// <summary>Forgets <paramref name="tenantId"/>'s budgets, here and on the other instances: the next call reads them again.</summary>
    public void Invalidate(string tenantId)
    {
        Evict(tenantId);
        _bus?.Publish(InvalidationTopic, tenantId);
    }

    public void Dispose() => _subscription?.Dispose();

    private void Evict(string tenantId)
    {
        Interlocked.Increment(ref _generation);
        if (string.Equals(tenantId, CacheInvalidation.AllKeys, StringComparison.Ordinal))
        {
            _tenants.Clear();
        }
        else
        {
            _tenants.TryRemove(tenantId, out _);
        }
    }

    /// <summary>The enabled budgets of the demand's tenant that apply to the demand's caller (tenant, team, user, API key, role).</summary>
    public async ValueTask<List<BudgetEntity>> ApplicableAsync(BudgetDemand demand, CancellationToken cancellationToken)
    {
        var all = await TenantAsync(demand.TenantId, cancellationToken).ConfigureAwait(false);
        var applicable = new List<BudgetEntity>(all.Length);
        foreach (var b in all)
        {
            if (Applies(b, demand))
            {
                applicable.Add(b);
            }
        }

        return applicable;
    }

    /// <summary>Whether <paramref name="b"/> applies to the caller of <paramref name="demand"/> (the rule of the database query it replaces).</summary>
    internal static bool Applies(BudgetEntity b, BudgetDemand demand)
    {
        switch (b.ScopeKind)
        {
            case BudgetScope.Tenant:
                return true;
            case BudgetScope.Team:
                return demand.TeamId is not null && string.Equals(b.ScopeValue, demand.TeamId, StringComparison.Ordinal);
            case BudgetScope.User:
                return demand.UserId is not null && string.Equals(b.ScopeValue, demand.UserId, StringComparison.Ordinal);
            case BudgetScope.ApiKey:
                return demand.ApiKeyId is not null && string.Equals(b.ScopeValue, demand.ApiKeyId, StringComparison.Ordinal);
            case BudgetScope.Role:
                foreach (var role in demand.Roles)
                {
                    // Role budgets are stored lower-case (BudgetService); a role already lower-case is compared without a copy.
                    if (string.Equals(b.ScopeValue, role, StringComparison.Ordinal)
                        || (role.Length == b.ScopeValue?.Length && string.Equals(b.ScopeValue, role.ToLowerInvariant(), StringComparison.Ordinal)))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private async ValueTask<BudgetEntity[]> TenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var maxAge = _options.CurrentValue.Budgets.DefinitionCacheSeconds;
        var now = _time.GetUtcNow();
        if (maxAge > 0 && _tenants.TryGetValue(tenantId, out var cached) && now < cached.LoadedAt.AddSeconds(maxAge) && now >= cached.LoadedAt)
        {
            return cached.Budgets;
        }

        var generation = Interlocked.Read(ref _generation);
        BudgetEntity[] budgets;
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            budgets = await db.Budgets.AsNoTracking().Where(b => b.TenantId == tenantId && b.Enabled)
                .ToArrayAsync(cancellationToken).ConfigureAwait(false);
            Array.Sort(budgets, static (x, y) => x.Id.CompareTo(y.Id)); // the order reservations take budgets in
        }

        // A change made through this instance while the query ran must not be hidden behind the stale result.
        if (maxAge > 0 && Interlocked.Read(ref _generation) == generation)
        {
            _tenants[tenantId] = new Entry(budgets, now);
        }

        return budgets;
    }

    private sealed record Entry(BudgetEntity[] Budgets, DateTimeOffset LoadedAt);
}
