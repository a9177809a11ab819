using Foundation.Pricing;

namespace Foundation.Costing.Pricing;

/// <summary>
/// The <see cref="IModelPriceProvider"/> of Foundation.Costing: three layers, the database (<see cref="PriceSource.Database"/>) over
/// configuration (<see cref="PriceSource.Configuration"/>) over the shipped catalog (<see cref="PriceSource.Default"/>). For one look-up the
/// exact model id is tried in every layer first, then each normalised candidate of <see cref="ModelNames.Candidates"/>; in a layer the entry
/// with the latest <see cref="PriceEntry.EffectiveFrom"/> not after the call's time wins, so history stays priced at the time of use.
/// An unknown model is unpriced (<see langword="false"/>), never free.
/// </summary>
public sealed class CatalogModelPriceProvider : IModelPriceProvider
{
    private readonly PriceTable _defaults;
    private readonly PriceTable _configuration;
    private readonly IReadOnlyDictionary<string, string> _aliases;
    private volatile PriceTable _database = PriceTable.Empty;

    /// <summary>Creates the provider over the shipped catalog and <paramref name="configured"/> entries.</summary>
    public CatalogModelPriceProvider(IEnumerable<PriceEntry>? configured = null, IEnumerable<PriceEntry>? defaults = null)
    {
        _defaults = new PriceTable(defaults ?? DefaultPriceCatalog.Entries);
        _configuration = new PriceTable(configured ?? []);
        _aliases = DefaultPriceCatalog.ProviderAliases;
    }

    /// <summary>The entries of every layer, database first.</summary>
    public IReadOnlyList<PriceEntry> AllEntries => [.. _database.Entries, .. _configuration.Entries, .. _defaults.Entries];

    /// <inheritdoc />
    public bool TryGetPrice(string provider, string model, DateTimeOffset asOf, out ModelPrice price)
    {
        if (TryResolve(provider, model, asOf, out var match))
        {
            price = match.Entry.Price;
            return true;
        }

        price = default;
        return false;
    }

    /// <summary>Resolves the price of <paramref name="model"/> at <paramref name="provider"/> in effect at <paramref name="asOf"/>, saying which entry was used.</summary>
    public bool TryResolve(string provider, string model, DateTimeOffset asOf, out PriceMatch match)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);
        var alias = _aliases.TryGetValue(provider, out var a) ? a : null;

        // Fast path: the id as given (the dictionaries ignore case), no allocation.
        if (TryLayers(provider, alias, model, asOf, out var entry))
        {
            match = new PriceMatch(entry!, entry!.Model);
            return true;
        }

        foreach (var candidate in ModelNames.Candidates(model))
        {
            if (TryLayers(provider.Trim(), alias, candidate, asOf, out entry))
            {
                match = new PriceMatch(entry!, entry!.Model);
                return true;
            }
        }

        match = default;
        return false;
    }

    /// <summary>Replaces the database layer (called when the <c>costing_prices</c> table is read or changed).</summary>
    public void ReplaceDatabaseEntries(IEnumerable<PriceEntry> entries) => _database = new PriceTable(entries);

    private bool TryLayers(string provider, string? alias, string model, DateTimeOffset asOf, out PriceEntry? entry) =>
        TryLayer(_database, provider, alias, model, asOf, out entry)
        || TryLayer(_configuration, provider, alias, model, asOf, out entry)
        || TryLayer(_defaults, provider, alias, model, asOf, out entry);

    private static bool TryLayer(PriceTable table, string provider, string? alias, string model, DateTimeOffset asOf, out PriceEntry? entry) =>
        table.TryGetExact(provider, model, asOf, out entry)
        || (alias is not null && table.TryGetExact(alias, model, asOf, out entry));
}
