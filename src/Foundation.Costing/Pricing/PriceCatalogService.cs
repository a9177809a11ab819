using System.Globalization;
using Foundation.Costing.Internal;
using Foundation.Costing.Storage;
using Foundation.Pricing;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Costing.Pricing;

/// <summary>A price an administrator sets (the body of the admin price endpoint). USD per one million tokens.</summary>
public sealed class PriceChange
{
    /// <summary>Provider, for example <c>openai</c>.</summary>
    public string? Provider { get; set; }

    /// <summary>Model id, for example <c>gpt-4o-mini</c>.</summary>
    public string? Model { get; set; }

    /// <summary>When it takes effect; default now. Past calls keep the price in effect when they ran.</summary>
    public DateTimeOffset? EffectiveFrom { get; set; }

    /// <summary>Uncached input (required).</summary>
    public decimal? InputPerMillion { get; set; }

    /// <summary>Output (required).</summary>
    public decimal? OutputPerMillion { get; set; }

    /// <summary>Cache reads.</summary>
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>5-minute cache writes.</summary>
    public decimal? CacheWrite5mPerMillion { get; set; }

    /// <summary>1-hour cache writes.</summary>
    public decimal? CacheWrite1hPerMillion { get; set; }

    /// <summary>Reasoning output when priced apart.</summary>
    public decimal? ReasoningPerMillion { get; set; }
}

/// <summary>
/// Prices kept in the database (the admin API's back end): set, list (every layer), delete. A change applies at once on this instance and
/// within <see cref="CostingOptions.PriceRefreshSeconds"/> on the others. Invalid input throws <see cref="CostingValidationException"/> naming
/// the field (a negative price names <c>inputPerMillion</c>, ...); nothing is stored then.
/// </summary>
public sealed class PriceCatalogService
{
    private readonly CostingDbContext _db;
    private readonly CatalogModelPriceProvider _provider;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public PriceCatalogService(CostingDbContext db, CatalogModelPriceProvider provider, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(time);
        _db = db;
        _provider = provider;
        _time = time;
    }

    /// <summary>Sets (or replaces, for the same provider, model and date) a price in the database.</summary>
    public async Task<PriceEntry> SetPriceAsync(PriceChange change, string? setBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var provider = Required(change.Provider, "provider", CostingColumnLengths.Provider);
        var model = Required(change.Model, "model", CostingColumnLengths.Model);
        var input = Price(change.InputPerMillion, "inputPerMillion", required: true)!.Value;
        var output = Price(change.OutputPerMillion, "outputPerMillion", required: true)!.Value;
        var cached = Price(change.CachedInputPerMillion, "cachedInputPerMillion");
        var write5m = Price(change.CacheWrite5mPerMillion, "cacheWrite5mPerMillion");
        var write1h = Price(change.CacheWrite1hPerMillion, "cacheWrite1hPerMillion");
        var reasoning = Price(change.ReasoningPerMillion, "reasoningPerMillion");
        var now = _time.GetUtcNow();
        var from = (change.EffectiveFrom ?? now).ToUniversalTime();
        if (from.Year < 2000 || from > now.AddYears(5))
        {
            throw new CostingValidationException("effectiveFrom", "effectiveFrom must be between 2000-01-01 and five years from now.");
        }

        provider = ModelNames.NormalizeProvider(provider);
        model = ModelNames.NormalizeModel(model);
        var entity = await _db.Prices.SingleOrDefaultAsync(p => p.Provider == provider && p.Model == model && p.EffectiveFrom == from, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            entity = new PriceEntity { Id = Guid.CreateVersion7(), Provider = provider, Model = model, EffectiveFrom = from };
            _db.Prices.Add(entity);
        }

        entity.InputPerMillion = input;
        entity.OutputPerMillion = output;
        entity.CachedInputPerMillion = cached;
        entity.CacheWrite5mPerMillion = write5m;
        entity.CacheWrite1hPerMillion = write1h;
        entity.ReasoningPerMillion = reasoning;
        entity.CreatedAt = now;
        entity.CreatedBy = setBy is { Length: > CostingColumnLengths.Note } ? setBy[..CostingColumnLengths.Note] : setBy;
        await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _db.ChangeTracker.Clear();
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return ToEntry(entity);
    }

    /// <summary>Deletes a database price; <see langword="false"/> when there was none.</summary>
    public async Task<bool> DeletePriceAsync(string provider, string model, DateTimeOffset effectiveFrom, CancellationToken cancellationToken = default)
    {
        var p = ModelNames.NormalizeProvider(Required(provider, "provider", CostingColumnLengths.Provider));
        var m = ModelNames.NormalizeModel(Required(model, "model", CostingColumnLengths.Model));
        var from = effectiveFrom.ToUniversalTime();
        var deleted = await _db.Prices.Where(e => e.Provider == p && e.Model == m && e.EffectiveFrom == from).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <summary>Every price of every layer (database, configuration, shipped), optionally of one provider and/or model.</summary>
    public async Task<IReadOnlyList<PriceEntry>> ListAsync(string? provider = null, string? model = null, CancellationToken cancellationToken = default)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        IEnumerable<PriceEntry> all = _provider.AllEntries;
        if (!string.IsNullOrWhiteSpace(provider))
        {
            var p = ModelNames.NormalizeProvider(provider);
            all = all.Where(e => string.Equals(e.Provider, p, StringComparison.Ordinal));
        }

        if (!string.IsNullOrWhiteSpace(model))
        {
            var m = ModelNames.NormalizeModel(model);
            all = all.Where(e => string.Equals(e.Model, m, StringComparison.Ordinal));
        }

        return [.. all];
    }

    /// <summary>The price a call to <paramref name="model"/> at <paramref name="provider"/> would be charged now (or at <paramref name="asOf"/>), or <see langword="null"/> (unpriced).</summary>
    public PriceMatch? Resolve(string provider, string model, DateTimeOffset? asOf = null) =>
        _provider.TryResolve(Required(provider, "provider", CostingColumnLengths.Provider), Required(model, "model", CostingColumnLengths.Model), asOf ?? _time.GetUtcNow(), out var match)
            ? match
            : null;

    /// <summary>Re-reads the database prices into the price provider.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var rows = await _db.Prices.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        _provider.ReplaceDatabaseEntries(rows.Select(ToEntry));
    }

    internal static PriceEntry ToEntry(PriceEntity e) => new(e.Provider, e.Model, e.EffectiveFrom,
        new ModelPrice(e.InputPerMillion, e.OutputPerMillion, e.CachedInputPerMillion, e.CacheWrite5mPerMillion, e.CacheWrite1hPerMillion, e.ReasoningPerMillion),
        PriceSource.Database, e.CreatedBy);

    private static string Required(string? value, string field, int max)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v) || v.Length > max)
        {
            throw new CostingValidationException(field, string.Create(CultureInfo.InvariantCulture, $"{field} is required and at most {max} characters."));
        }

        return Foundation.Text.DisplayText.FindRefusedCharacter(v) is { } refused ? throw new CostingValidationException(field, refused.Describe(field)) : v;
    }

    private static decimal? Price(decimal? value, string field, bool required = false)
    {
        if (value is null)
        {
            return required ? throw new CostingValidationException(field, $"{field} is required (USD per one million tokens).") : null;
        }

        if (value < 0)
        {
            throw new CostingValidationException(field, string.Create(CultureInfo.InvariantCulture, $"{field} is {value}; a price cannot be negative."));
        }

        if (value > PriceRules.MaxPerMillion)
        {
            throw new CostingValidationException(field, string.Create(CultureInfo.InvariantCulture,
                $"{field} is {value}; prices are USD per one million tokens and at most {PriceRules.MaxPerMillion} (did you give a price per thousand tokens, or in cents?)."));
        }

        return value;
    }
}
