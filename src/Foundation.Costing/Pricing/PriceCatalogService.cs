using System.Globalization;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Costing.Internal;
using Foundation.Costing.Storage;
using Foundation.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Pricing;

/// <summary>
/// Prices kept in the database (the price API's back end). Two kinds of rows: a tenant's overrides (<see cref="SetTenantPriceAsync"/>,
/// <see cref="RemoveTenantPriceAsync"/>), which apply to that tenant's calls only, and global prices (<see cref="SetPriceAsync"/>,
/// <see cref="RemoveGlobalPriceAsync"/>), which every tenant without an override of its own is charged. Who may call which is the host's
/// decision (Foundation.Hosting: a tenant's admins the first, platform operators only the second). A change applies at once on this instance
/// and within <see cref="CostingOptions.PriceRefreshSeconds"/> on the others, and writes an audit event (<c>costing.price.set</c>,
/// <c>costing.price.removed</c>, <c>costing.global_price.set</c>, <c>costing.global_price.removed</c>) with the actor, the tenant and the
/// price before and after. Invalid input throws <see cref="CostingValidationException"/> naming the field (a negative price names
/// <c>inputPerMillion</c>, an unpriced model <c>model</c>, ...); nothing is stored then.
/// </summary>
public sealed class PriceCatalogService
{
    private readonly CostingDbContext _db;
    private readonly CatalogModelPriceProvider _provider;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly IAuditEventWriter _audit;
    private readonly ICurrentCaller _caller;

    /// <summary>Creates the service.</summary>
    /// <param name="db">The Costing store.</param>
    /// <param name="provider">The in-memory prices, refreshed after every change.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Costing's options (the override limit).</param>
    /// <param name="audit">Where price changes are recorded.</param>
    /// <param name="caller">Who is acting (the actor and request id of the audit events).</param>
    public PriceCatalogService(CostingDbContext db, CatalogModelPriceProvider provider, TimeProvider time, IOptionsMonitor<CostingOptions> options,
        IAuditEventWriter audit, ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(caller);
        _db = db;
        _provider = provider;
        _time = time;
        _options = options;
        _audit = audit;
        _caller = caller;
    }

    /// <summary>
    /// Sets (or replaces, for the same provider, model and date) a GLOBAL price: every tenant without an override of its own is charged it.
    /// Expose it to platform operators only. Audited as <c>costing.global_price.set</c>.
    /// </summary>
    public Task<PriceEntry> SetPriceAsync(PriceChange change, string? setBy = null, CancellationToken cancellationToken = default) =>
        SetAsync(null, change, setBy ?? _caller.UserId, cancellationToken);

    /// <summary>
    /// Sets (or replaces, for the same provider, model and date) <paramref name="tenantId"/>'s override: that tenant's calls are charged it,
    /// no other tenant's. Only a model the global catalog prices can be overridden (<c>model</c> is refused otherwise), and a tenant keeps at
    /// most <see cref="CostingOptions.MaxPriceOverridesPerTenant"/> rows (<see cref="PriceOverrideLimitException"/>). Audited as <c>costing.price.set</c>.
    /// </summary>
    /// <param name="tenantId">The tenant (<c>""</c> for the default tenant).</param>
    /// <param name="change">The price.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    public Task<PriceEntry> SetTenantPriceAsync(string tenantId, PriceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return SetAsync(tenantId, change, _caller.UserId, cancellationToken);
    }

    /// <summary>Deletes the global price of one date; <see langword="false"/> when there was none.</summary>
    public async Task<bool> DeletePriceAsync(string provider, string model, DateTimeOffset effectiveFrom, CancellationToken cancellationToken = default) =>
        await RemoveAsync(null, provider, model, effectiveFrom, cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>
    /// Removes global prices of <paramref name="model"/> at <paramref name="provider"/> set in the database: the one of
    /// <paramref name="effectiveFrom"/>, or every date when it is <see langword="null"/>. Configuration and the shipped catalog apply again.
    /// Answers how many rows were removed. Audited as <c>costing.global_price.removed</c>.
    /// </summary>
    public Task<int> RemoveGlobalPriceAsync(string provider, string model, DateTimeOffset? effectiveFrom = null, CancellationToken cancellationToken = default) =>
        RemoveAsync(null, provider, model, effectiveFrom, cancellationToken);

    /// <summary>
    /// Removes <paramref name="tenantId"/>'s override of <paramref name="model"/> at <paramref name="provider"/>: the one of
    /// <paramref name="effectiveFrom"/>, or every date when it is <see langword="null"/>. The tenant is charged the global price again.
    /// Answers how many rows were removed (0: the tenant had no such override). Audited as <c>costing.price.removed</c>.
    /// </summary>
    public Task<int> RemoveTenantPriceAsync(string tenantId, string provider, string model, DateTimeOffset? effectiveFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return RemoveAsync(tenantId, provider, model, effectiveFrom, cancellationToken);
    }

    /// <summary>Every GLOBAL price of every layer (database, configuration, shipped), optionally of one provider and/or model.</summary>
    public async Task<IReadOnlyList<PriceEntry>> ListAsync(string? provider = null, string? model = null, CancellationToken cancellationToken = default)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return [.. Filter(_provider.AllEntries, provider, model)];
    }

    /// <summary>
    /// The prices <paramref name="tenantId"/> sees: its overrides first, then every global entry, optionally of one provider and/or model;
    /// each says whether it is an override and whether a call to exactly its provider and model is charged at it now.
    /// </summary>
    public async Task<IReadOnlyList<TenantPriceEntry>> ListForTenantAsync(string tenantId, string? provider = null, string? model = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var entries = Filter([.. _provider.TenantEntries(tenantId), .. _provider.AllEntries], provider, model).ToList();
        var inEffect = new HashSet<PriceEntry>(ReferenceEqualityComparer.Instance);
        foreach (var group in entries.GroupBy(e => (e.Provider, e.Model)))
        {
            if (group.Where(e => e.EffectiveFrom <= now).OrderByDescending(e => e.Source).ThenByDescending(e => e.EffectiveFrom).FirstOrDefault() is { } current)
            {
                inEffect.Add(current);
            }
        }

        // A global database price's note is the operator's user id: another tenant's admin is told only who set it in general.
        return [.. entries.Select(e => new TenantPriceEntry(e.Provider, e.Model, e.EffectiveFrom, e.Price, e.Source,
            e.Source == PriceSource.Database ? "platform operator" : e.Note, e.IsOverride, inEffect.Contains(e)))];
    }

    /// <summary>The global price a call to <paramref name="model"/> at <paramref name="provider"/> would be charged now (or at <paramref name="asOf"/>), or <see langword="null"/> (unpriced).</summary>
    public PriceMatch? Resolve(string provider, string model, DateTimeOffset? asOf = null) =>
        _provider.TryResolve(Required(provider, "provider", CostingColumnLengths.Provider), Required(model, "model", CostingColumnLengths.Model), asOf ?? _time.GetUtcNow(), out var match)
            ? match
            : null;

    /// <summary>The price <paramref name="tenantId"/> is charged for a call to <paramref name="model"/> at <paramref name="provider"/> now (or at <paramref name="asOf"/>), or <see langword="null"/> (unpriced).</summary>
    public PriceMatch? ResolveForTenant(string tenantId, string provider, string model, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return _provider.TryResolve(tenantId, Required(provider, "provider", CostingColumnLengths.Provider), Required(model, "model", CostingColumnLengths.Model),
            asOf ?? _time.GetUtcNow(), out var match)
            ? match
            : null;
    }

    /// <summary>Re-reads the database prices (global rows and every tenant's overrides) into the price provider.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var rows = await _db.Prices.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        _provider.ReplaceDatabaseEntries(rows.Where(r => r.TenantId is null).Select(ToEntry), rows.Where(r => r.TenantId is not null).Select(ToEntry));
    }

    internal static PriceEntry ToEntry(PriceEntity e) => new(e.Provider, e.Model, e.EffectiveFrom,
        new ModelPrice(e.InputPerMillion, e.OutputPerMillion, e.CachedInputPerMillion, e.CacheWrite5mPerMillion, e.CacheWrite1hPerMillion, e.ReasoningPerMillion),
        e.TenantId is null ? PriceSource.Database : PriceSource.Tenant, e.CreatedBy)
    {
        TenantId = e.TenantId,
    };

    private async Task<PriceEntry> SetAsync(string? tenantId, PriceChange change, string? setBy, CancellationToken cancellationToken)
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
        var from = Microseconds((change.EffectiveFrom ?? now).ToUniversalTime());
        if (from.Year < 2000 || from > now.AddYears(5))
        {
            throw new CostingValidationException("effectiveFrom", "effectiveFrom must be between 2000-01-01 and five years from now.");
        }

        provider = ModelNames.NormalizeProvider(provider);
        model = ModelNames.NormalizeModel(model);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (tenantId is not null)
        {
            if (!_provider.IsKnownProvider(provider))
            {
                throw new CostingValidationException("provider", $"provider '{provider}' has no global prices; a tenant can override only the price of a model the catalog prices.");
            }

            if (!_provider.IsGloballyPriced(provider, model))
            {
                throw new CostingValidationException("model",
                    $"model '{model}' has no global price at provider '{provider}'; a tenant can override only the price of a model the catalog prices (GET /api/v1/costs/prices lists them).");
            }
        }

        var before = Resolved(tenantId, provider, model, from);
        var entity = await FindAsync(tenantId, provider, model, from, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            if (tenantId is not null)
            {
                await EnsureBelowLimitAsync(tenantId, cancellationToken).ConfigureAwait(false);
            }

            entity = new PriceEntity { Id = Guid.CreateVersion7(), TenantId = tenantId, Provider = provider, Model = model, EffectiveFrom = from };
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
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException) when (_db.Entry(entity).State == EntityState.Added)
        {
            // Another request inserted the same provider, model and date first: update that row instead.
            _db.ChangeTracker.Clear();
            var existing = await FindAsync(tenantId, provider, model, from, cancellationToken).ConfigureAwait(false) ?? throw new CostingValidationException("effectiveFrom",
                "A price for this provider, model and effectiveFrom was being changed at the same time; try again.");
            existing.InputPerMillion = input;
            existing.OutputPerMillion = output;
            existing.CachedInputPerMillion = cached;
            existing.CacheWrite5mPerMillion = write5m;
            existing.CacheWrite1hPerMillion = write1h;
            existing.ReasoningPerMillion = reasoning;
            existing.CreatedAt = now;
            existing.CreatedBy = entity.CreatedBy;
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            entity = existing;
        }
        finally
        {
            _db.ChangeTracker.Clear();
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        var saved = ToEntry(entity);
        var data = Describe(provider, model, from);
        AddPrice(data, "before", before);
        AddPrice(data, "after", (saved.Price, saved.Source));
        await AuditAsync(tenantId is null ? "costing.global_price.set" : "costing.price.set", tenantId, provider, model, data, cancellationToken).ConfigureAwait(false);
        return saved;
    }

    private async Task<int> RemoveAsync(string? tenantId, string provider, string model, DateTimeOffset? effectiveFrom, CancellationToken cancellationToken)
    {
        var p = ModelNames.NormalizeProvider(Required(provider, "provider", CostingColumnLengths.Provider));
        var m = ModelNames.NormalizeModel(Required(model, "model", CostingColumnLengths.Model));
        var from = effectiveFrom is { } e ? Microseconds(e.ToUniversalTime()) : (DateTimeOffset?)null;
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var before = Resolved(tenantId, p, m, now);
        var query = _db.Prices.Where(e => e.Provider == p && e.Model == m);
        query = tenantId is null ? query.Where(e => e.TenantId == null) : query.Where(e => e.TenantId == tenantId);
        if (from is { } f)
        {
            query = query.Where(e => e.EffectiveFrom == f);
        }

        var removed = await query.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (removed == 0)
        {
            return 0;
        }

        var data = Describe(p, m, from);
        data["removed"] = removed.ToString(CultureInfo.InvariantCulture);
        AddPrice(data, "before", before);
        AddPrice(data, "after", Resolved(tenantId, p, m, now));
        await AuditAsync(tenantId is null ? "costing.global_price.removed" : "costing.price.removed", tenantId, p, m, data, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    private Task<PriceEntity?> FindAsync(string? tenantId, string provider, string model, DateTimeOffset from, CancellationToken cancellationToken) =>
        tenantId is null
            ? _db.Prices.SingleOrDefaultAsync(p => p.TenantId == null && p.Provider == provider && p.Model == model && p.EffectiveFrom == from, cancellationToken)
            : _db.Prices.SingleOrDefaultAsync(p => p.TenantId == tenantId && p.Provider == provider && p.Model == model && p.EffectiveFrom == from, cancellationToken);

    private async Task EnsureBelowLimitAsync(string tenantId, CancellationToken cancellationToken)
    {
        var limit = _options.CurrentValue.MaxPriceOverridesPerTenant;
        var count = await _db.Prices.AsNoTracking().CountAsync(p => p.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
        if (count >= limit)
        {
            throw new PriceOverrideLimitException(string.Create(CultureInfo.InvariantCulture,
                $"The tenant already keeps {count} price overrides (the limit is {limit}, {CostingOptions.SectionName}:MaxPriceOverridesPerTenant); remove some with DELETE /api/v1/costs/prices before adding another."));
        }
    }

    private (ModelPrice Price, PriceSource Source)? Resolved(string? tenantId, string provider, string model, DateTimeOffset asOf) =>
        _provider.TryResolve(tenantId, provider, model, asOf, out var match) ? (match.Entry.Price, match.Entry.Source) : null;

    private async Task AuditAsync(string action, string? tenantId, string provider, string model, Dictionary<string, string?> data, CancellationToken cancellationToken)
    {
        if (tenantId is null && _caller.TenantId is { Length: > 0 } actorTenant)
        {
            data["actorTenant"] = actorTenant;
        }

        await _audit.WriteAsync(new AuditEvent(action, AuditOutcome.Success)
        {
            OccurredAt = _time.GetUtcNow(),
            ActorUserId = _caller.UserId,
            TenantId = string.IsNullOrEmpty(tenantId) ? null : tenantId,
            TargetType = "price",
            TargetId = provider + "/" + model,
            RequestId = _caller.RequestId,
            Data = data,
        }, cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, string?> Describe(string provider, string model, DateTimeOffset? from)
    {
        var data = new Dictionary<string, string?>(StringComparer.Ordinal) { ["provider"] = provider, ["model"] = model };
        if (from is { } f)
        {
            data["effectiveFrom"] = f.ToString("O", CultureInfo.InvariantCulture);
        }

        return data;
    }

    private static void AddPrice(Dictionary<string, string?> data, string prefix, (ModelPrice Price, PriceSource Source)? value)
    {
        if (value is not { } v)
        {
            data[prefix + ".source"] = "unpriced";
            return;
        }

        data[prefix + ".source"] = v.Source.ToString().ToLowerInvariant();
        data[prefix + ".inputPerMillion"] = Text(v.Price.InputPerMillion);
        data[prefix + ".outputPerMillion"] = Text(v.Price.OutputPerMillion);
        data[prefix + ".cachedInputPerMillion"] = Text(v.Price.CachedInputPerMillion);
        data[prefix + ".cacheWrite5mPerMillion"] = Text(v.Price.CacheWrite5mPerMillion);
        data[prefix + ".cacheWrite1hPerMillion"] = Text(v.Price.CacheWrite1hPerMillion);
        data[prefix + ".reasoningPerMillion"] = Text(v.Price.ReasoningPerMillion);
    }

    /// <summary>PostgreSQL keeps microseconds, SQLite ticks: a date is cut to the microsecond so it finds its row again on both.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    /// <summary>A price as text without the store's trailing zeros (PostgreSQL answers <c>numeric(18,9)</c>): <c>0</c>, <c>2.5</c>.</summary>
    private static string? Text(decimal? value) => value?.ToString("G29", CultureInfo.InvariantCulture);

    private static IEnumerable<PriceEntry> Filter(IEnumerable<PriceEntry> all, string? provider, string? model)
    {
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

        return all;
    }

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
