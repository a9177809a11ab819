using System.Collections.Frozen;
using Foundation.Pricing;

namespace Foundation.Costing.Pricing;

/// <summary>
/// The <see cref="IModelPriceProvider"/> of Foundation.Costing: three layers, the database (<see cref="PriceSource.Database"/>) over
/// configuration (<see cref="PriceSource.Configuration"/>) over the shipped catalog (<see cref="PriceSource.Default"/>). For one look-up the
/// exact model id is tried in every layer first, then each normalised candidate of <see cref="ModelNames.Candidates"/>; in a layer the entry
/// with the latest <see cref="PriceEntry.EffectiveFrom"/> not after the call's time wins, so history stays priced at the time of use.
/// An unknown model is unpriced (<see langword="false"/>), never free.
/// <para>
/// A tenant's overrides (<see cref="PriceSource.Tenant"/>) form a fourth layer above the others, consulted only for that tenant's
/// look-ups (<see cref="TryGetPrice(string?, string, string, DateTimeOffset, out ModelPrice)"/>). Every layer is held in memory and replaced
/// as a whole when the <c>costing_prices</c> table is read, so a look-up is a few dictionary reads with no allocation and no database round trip.
/// </para>
/// </summary>
public sealed class CatalogModelPriceProvider : IModelPriceProvider
{
    private readonly PriceTable _defaults;
    private readonly PriceTable _configuration;
    private readonly IReadOnlyDictionary<string, string> _aliases;
    private volatile DatabaseLayers _database = DatabaseLayers.Empty;

    /// <summary>Creates the provider over the shipped catalog and <paramref name="configured"/> entries.</summary>
    public CatalogModelPriceProvider(IEnumerable<PriceEntry>? configured = null, IEnumerable<PriceEntry>? defaults = null)
    {
        _defaults = new PriceTable(defaults ?? DefaultPriceCatalog.Entries);
        _configuration = new PriceTable(configured ?? []);
        _aliases = DefaultPriceCatalog.ProviderAliases;
    }

    /// <summary>The entries of every global layer, database first (tenants' overrides are not included).</summary>
    public IReadOnlyList<PriceEntry> AllEntries => [.. _database.Global.Entries, .. _configuration.Entries, .. _defaults.Entries];

    /// <summary>The overrides of <paramref name="tenantId"/> (<see cref="PriceSource.Tenant"/>), oldest first per model; empty when it has none.</summary>
    public IReadOnlyList<PriceEntry> TenantEntries(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return _database.Tenants.TryGetValue(tenantId, out var table) ? table.Entries : [];
    }

    /// <inheritdoc />
    public bool TryGetPrice(string provider, string model, DateTimeOffset asOf, out ModelPrice price) =>
        TryGetPrice(null, provider, model, asOf, out price);

    /// <inheritdoc />
    public bool TryGetPrice(string? tenantId, string provider, string model, DateTimeOffset asOf, out ModelPrice price)
    {
        if (TryResolve(tenantId, provider, model, asOf, out var match))
        {
            price = match.Entry.Price;
            return true;
        }

        price = default;
        return false;
    }

    /// <summary>Resolves the global price of <paramref name="model"/> at <paramref name="provider"/> in effect at <paramref name="asOf"/>, saying which entry was used.</summary>
    public bool TryResolve(string provider, string model, DateTimeOffset asOf, out PriceMatch match) => TryResolve(null, provider, model, asOf, out match);

    /// <summary>
    /// Resolves the price <paramref name="tenantId"/> is charged for <paramref name="model"/> at <paramref name="provider"/> at <paramref name="asOf"/>:
    /// the tenant's override layer first (when <paramref name="tenantId"/> is not <see langword="null"/>), then the global layers.
    /// </summary>
    public bool TryResolve(string? tenantId, string provider, string model, DateTimeOffset asOf, out PriceMatch match)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);
        var alias = _aliases.TryGetValue(provider, out var a) ? a : null;
        var database = _database;
        var tenant = tenantId is not null && database.Tenants.TryGetValue(tenantId, out var t) ? t : null;

        // Fast path: the id as given (the dictionaries ignore case), no allocation.
        if (TryLayers(tenant, database.Global, provider, alias, model, asOf, out var entry))
        {
            match = new PriceMatch(entry!, entry!.Model);
            return true;
        }

        foreach (var candidate in ModelNames.Candidates(model))
        {
            if (TryLayers(tenant, database.Global, provider.Trim(), alias, candidate, asOf, out entry))
            {
                match = new PriceMatch(entry!, entry!.Model);
                return true;
            }
        }

        match = default;
        return false;
    }

    /// <summary>
    /// Whether some global layer prices <paramref name="model"/> at <paramref name="provider"/> at any date (the exact id or one of its
    /// normalised candidates): what a tenant may override.
    /// </summary>
    public bool IsGloballyPriced(string provider, string model)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);
        var p = ModelNames.NormalizeProvider(provider);
        var alias = _aliases.TryGetValue(p, out var a) ? a : null;
        var global = _database.Global;
        foreach (var candidate in ModelNames.Candidates(model))
        {
            foreach (var table in (ReadOnlySpan<PriceTable>)[global, _configuration, _defaults])
            {
                if (table.HasModel(p, candidate) || (alias is not null && table.HasModel(alias, candidate)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether some global layer prices any model of <paramref name="provider"/>.</summary>
    public bool IsKnownProvider(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var p = ModelNames.NormalizeProvider(provider);
        var alias = _aliases.TryGetValue(p, out var a) ? a : null;
        foreach (var table in (ReadOnlySpan<PriceTable>)[_database.Global, _configuration, _defaults])
        {
            if (table.HasProvider(p) || (alias is not null && table.HasProvider(alias)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Replaces the global database layer (keeps the tenants' overrides).</summary>
    public void ReplaceDatabaseEntries(IEnumerable<PriceEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _database = new DatabaseLayers(new PriceTable(entries), _database.Tenants);
    }

    /// <summary>
    /// Replaces both database layers at once (called when the <c>costing_prices</c> table is read or changed): the global rows and every
    /// tenant's overrides (entries whose <see cref="PriceEntry.TenantId"/> is set, grouped by it). Look-ups see the old or the new set, never a mix.
    /// </summary>
    public void ReplaceDatabaseEntries(IEnumerable<PriceEntry> global, IEnumerable<PriceEntry> tenantOverrides)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(tenantOverrides);
        var tenants = tenantOverrides
            .Where(e => e.TenantId is not null)
            .GroupBy(e => e.TenantId!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => new PriceTable(g), StringComparer.Ordinal);
        _database = new DatabaseLayers(new PriceTable(global), tenants);
    }

    private bool TryLayers(PriceTable? tenant, PriceTable database, string provider, string? alias, string model, DateTimeOffset asOf, out PriceEntry? entry)
    {
        entry = null;
        return (tenant is not null && TryLayer(tenant, provider, alias, model, asOf, out entry))
            || TryLayer(database, provider, alias, model, asOf, out entry)
            || TryLayer(_configuration, provider, alias, model, asOf, out entry)
            || TryLayer(_defaults, provider, alias, model, asOf, out entry);
    }

    private static bool TryLayer(PriceTable table, string provider, string? alias, string model, DateTimeOffset asOf, out PriceEntry? entry) =>
        table.TryGetExact(provider, model, asOf, out entry)
        || (alias is not null && table.TryGetExact(alias, model, asOf, out entry));

    /// <summary>The two database layers, swapped as one object so a look-up never sees half of a refresh.</summary>
    private sealed class DatabaseLayers(PriceTable global, FrozenDictionary<string, PriceTable> tenants)
    {
        public static DatabaseLayers Empty { get; } = new(PriceTable.Empty, FrozenDictionary<string, PriceTable>.Empty);

        public PriceTable Global { get; } = global;

        public FrozenDictionary<string, PriceTable> Tenants { get; } = tenants;
    }
}
