using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Foundation.Pricing;

namespace Foundation.Costing.Pricing;

/// <summary>
/// The price catalog shipped inside the package: <c>Pricing/Resources/prices.json</c>, the providers' public list prices with the date
/// each took effect and where it comes from. <see cref="CatalogDate"/> says when the file was last checked.
/// </summary>
public static class DefaultPriceCatalog
{
    private static readonly Lazy<Loaded> Instance = new(Load);

    /// <summary>The date the shipped prices were last checked against the providers' pricing pages.</summary>
    public static DateOnly CatalogDate => Instance.Value.CatalogDate;

    /// <summary>Every shipped entry (several per model when a price changed).</summary>
    public static IReadOnlyList<PriceEntry> Entries => Instance.Value.Entries;

    /// <summary>Provider names that share a catalog provider (for example <c>gcp.gemini</c> -> <c>google</c>).</summary>
    public static IReadOnlyDictionary<string, string> ProviderAliases => Instance.Value.ProviderAliases;

    private static Loaded Load()
    {
        using var stream = typeof(DefaultPriceCatalog).Assembly.GetManifestResourceStream("Foundation.Costing.Pricing.Resources.prices.json")
            ?? throw new InvalidOperationException("The embedded price catalog is missing from Foundation.Costing.");
        var file = JsonSerializer.Deserialize(stream, CatalogJsonContext.Default.CatalogFile)
            ?? throw new InvalidOperationException("The embedded price catalog is empty.");
        var entries = new List<PriceEntry>();
        foreach (var m in file.Models)
        {
            var price = new ModelPrice(m.Input, m.Output, m.CachedInput, m.CacheWrite5m, m.CacheWrite1h, m.Reasoning);
            var from = new DateTimeOffset(DateOnly.ParseExact(m.EffectiveFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            foreach (var name in (IEnumerable<string>)[m.Model, .. m.Aliases ?? []])
            {
                entries.Add(new PriceEntry(ModelNames.NormalizeProvider(m.Provider), ModelNames.NormalizeModel(name), from, price, PriceSource.Default, m.Source));
            }
        }

        return new Loaded(
            DateOnly.ParseExact(file.CatalogDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            entries,
            (file.ProviderAliases ?? []).ToFrozenDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase));
    }

    private sealed record Loaded(DateOnly CatalogDate, IReadOnlyList<PriceEntry> Entries, IReadOnlyDictionary<string, string> ProviderAliases);
}

internal sealed class CatalogFile
{
    public string CatalogDate { get; set; } = "";

    public Dictionary<string, string>? ProviderAliases { get; set; }

    public List<CatalogModel> Models { get; set; } = [];
}

internal sealed class CatalogModel
{
    public string Provider { get; set; } = "";

    public string Model { get; set; } = "";

    public List<string>? Aliases { get; set; }

    public string EffectiveFrom { get; set; } = "";

    public decimal Input { get; set; }

    public decimal Output { get; set; }

    public decimal? CachedInput { get; set; }

    public decimal? CacheWrite5m { get; set; }

    public decimal? CacheWrite1h { get; set; }

    public decimal? Reasoning { get; set; }

    public string? Source { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CatalogFile))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
