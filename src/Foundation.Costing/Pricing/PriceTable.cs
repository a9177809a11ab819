using System.Collections.Frozen;
using Foundation.Pricing;

namespace Foundation.Costing.Pricing;

/// <summary>An immutable set of <see cref="PriceEntry"/>s indexed by provider and model, each model's entries ordered by date.</summary>
internal sealed class PriceTable
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, PriceEntry[]>> _byProvider;

    public PriceTable(IEnumerable<PriceEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries.OrderBy(e => e.Provider, StringComparer.Ordinal).ThenBy(e => e.Model, StringComparer.Ordinal).ThenBy(e => e.EffectiveFrom)];
        _byProvider = Entries
            .GroupBy(e => e.Provider, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(
                p => p.Key,
                p => p.GroupBy(e => e.Model, StringComparer.OrdinalIgnoreCase)
                      .ToFrozenDictionary(m => m.Key, m => m.OrderBy(e => e.EffectiveFrom).ToArray(), StringComparer.OrdinalIgnoreCase),
                StringComparer.OrdinalIgnoreCase);
    }

    public static PriceTable Empty { get; } = new([]);

    public IReadOnlyList<PriceEntry> Entries { get; }

    public bool HasProvider(string provider) => _byProvider.ContainsKey(provider);

    /// <summary>The entry of exactly <paramref name="model"/> in effect at <paramref name="asOf"/>.</summary>
    public bool TryGetExact(string provider, string model, DateTimeOffset asOf, out PriceEntry? entry)
    {
        entry = null;
        if (!_byProvider.TryGetValue(provider, out var models) || !models.TryGetValue(model, out var dated))
        {
            return false;
        }

        for (var i = dated.Length - 1; i >= 0; i--)
        {
            if (dated[i].EffectiveFrom <= asOf)
            {
                entry = dated[i];
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="model"/> has any entry at all (at any date).</summary>
    public bool HasModel(string provider, string model) =>
        _byProvider.TryGetValue(provider, out var models) && models.ContainsKey(model);

    internal static ModelPrice Price(decimal input, decimal output, decimal? cached = null, decimal? write5m = null, decimal? write1h = null, decimal? reasoning = null) =>
        new(input, output, cached, write5m, write1h, reasoning);
}
