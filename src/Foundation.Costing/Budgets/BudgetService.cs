using System.Globalization;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Costing.Internal;
using Foundation.Costing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Budgets;

/// <summary>
/// Budgets of a tenant: create, change, delete, list with the current period's utilisation. Every method is scoped to one tenant (an admin
/// sees and changes only their tenant's budgets); the HTTP layer passes the caller's tenant. Invalid input throws
/// <see cref="CostingValidationException"/> naming the field; a duplicate name throws <see cref="BudgetConflictException"/>. Every change is
/// audited: <c>costing.budget.set</c> (created or changed, with the values before and after) and <c>costing.budget.removed</c>.
/// </summary>
public sealed class BudgetService
{
    /// <summary>The largest money limit accepted (USD); a larger one is a typo.</summary>
    public const decimal MaxLimitUsd = 1_000_000_000m;

    /// <summary>The largest token limit accepted.</summary>
    public const long MaxLimitTokens = 1_000_000_000_000_000;

    private readonly CostingDbContext _db;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly IAuditEventWriter _audit;
    private readonly ICurrentCaller _caller;

    /// <summary>Creates the service.</summary>
    /// <param name="db">The Costing store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Costing's options.</param>
    /// <param name="audit">Where budget changes are recorded.</param>
    /// <param name="caller">Who is acting (the actor and request id of the audit events).</param>
    public BudgetService(CostingDbContext db, TimeProvider time, IOptionsMonitor<CostingOptions> options, IAuditEventWriter audit, ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(caller);
        _db = db;
        _time = time;
        _options = options;
        _audit = audit;
        _caller = caller;
    }

    /// <summary>This instance's enforcer, whose cached definitions and leases a change invalidates at once (other instances: within the cache's age limit).</summary>
    internal BudgetEnforcer? Enforcer { get; init; }

    /// <summary>Creates a budget in <paramref name="tenantId"/>.</summary>
    public async Task<BudgetView> CreateAsync(string tenantId, BudgetDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var entity = new BudgetEntity { Id = Guid.CreateVersion7(), TenantId = tenantId, CreatedAt = _time.GetUtcNow() };
        Apply(entity, definition, creating: true);
        entity.UpdatedAt = entity.CreatedAt;
        await EnsureUniqueNameAsync(tenantId, entity.Name, null, cancellationToken).ConfigureAwait(false);
        _db.Budgets.Add(entity);
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            throw new BudgetConflictException($"A budget named '{entity.Name}' already exists in this tenant.", ex);
        }
        finally
        {
            _db.ChangeTracker.Clear();
        }

        Changed(tenantId, entity.Id);
        await AuditAsync("costing.budget.set", entity, null, entity, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes a budget; fields left <see langword="null"/> in <paramref name="definition"/> keep their value. <see langword="null"/> when not found in the tenant.</summary>
    public async Task<BudgetView?> UpdateAsync(string tenantId, Guid id, BudgetDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var entity = await _db.Budgets.SingleOrDefaultAsync(b => b.Id == id && b.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return null;
        }

        var before = Snapshot(entity);
        Apply(entity, definition, creating: false);
        entity.UpdatedAt = _time.GetUtcNow();
        await EnsureUniqueNameAsync(tenantId, entity.Name, id, cancellationToken).ConfigureAwait(false);
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            throw new BudgetConflictException($"A budget named '{entity.Name}' already exists in this tenant.", ex);
        }
        finally
        {
            _db.ChangeTracker.Clear();
        }

        Changed(tenantId, id);
        await AuditAsync("costing.budget.set", entity, before, entity, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a budget with its counters and reservations; <see langword="false"/> when not found in the tenant.</summary>
    public async Task<bool> DeleteAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var before = await _db.Budgets.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id && b.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
        if (before is null
            || await _db.Budgets.Where(b => b.Id == id && b.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            return false;
        }

        Changed(tenantId, id);
        await AuditAsync("costing.budget.removed", before, Snapshot(before), null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>One budget with its current utilisation, or <see langword="null"/>.</summary>
    public async Task<BudgetView?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var entity = await _db.Budgets.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id && b.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : await ViewAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every budget of the tenant, by name, with current utilisation (role budgets: summed over the role's holders, utilisation of the fullest).</summary>
    public async Task<IReadOnlyList<BudgetView>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var entities = await _db.Budgets.AsNoTracking().Where(b => b.TenantId == tenantId).OrderBy(b => b.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        var views = new List<BudgetView>(entities.Count);
        foreach (var e in entities)
        {
            views.Add(await ViewAsync(e, cancellationToken).ConfigureAwait(false));
        }

        return views;
    }

    /// <summary>The budgets that apply to <paramref name="caller"/>, with the caller's own counters (for <c>/api/v1/usage/me</c>).</summary>
    public async Task<IReadOnlyList<BudgetView>> ListForCallerAsync(ICurrentCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var demand = new BudgetDemand(caller.TenantId ?? "", caller.UserId, caller.TeamId, caller.ApiKeyId, caller.Roles, 0, 0);
        var budgets = await BudgetEnforcer.ApplicableAsync(_db, demand, cancellationToken).ConfigureAwait(false);
        var views = new List<BudgetView>(budgets.Count);
        foreach (var b in budgets.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            var subject = b.ScopeKind == BudgetScope.Role ? caller.UserId ?? caller.ApiKeyId ?? "" : null;
            views.Add(await ViewAsync(b, cancellationToken, subject).ConfigureAwait(false));
        }

        return views;
    }

    internal static IReadOnlyList<int> ParseThresholds(string thresholds) =>
        [.. thresholds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))];

    /// <summary>Parses a scope name (<c>tenant</c>, <c>team</c>, <c>user</c>, <c>apikey</c> / <c>api_key</c> / <c>api-key</c>, <c>role</c>).</summary>
    public static BudgetScope ParseScope(string? scope, string field = "scope") => scope?.Trim().ToLowerInvariant() switch
    {
        "tenant" => BudgetScope.Tenant,
        "team" => BudgetScope.Team,
        "user" => BudgetScope.User,
        "apikey" or "api_key" or "api-key" => BudgetScope.ApiKey,
        "role" => BudgetScope.Role,
        _ => throw new CostingValidationException(field, $"{field} '{scope}' is unknown; use tenant, team, user, apikey or role."),
    };

    /// <summary>Parses a period name (<c>day</c>, <c>week</c>, <c>month</c>, <c>rolling</c>).</summary>
    public static BudgetPeriod ParsePeriod(string? period, string field = "period") => period?.Trim().ToLowerInvariant() switch
    {
        "day" or "daily" => BudgetPeriod.Day,
        "week" or "weekly" => BudgetPeriod.Week,
        "month" or "monthly" => BudgetPeriod.Month,
        "rolling" => BudgetPeriod.Rolling,
        _ => throw new CostingValidationException(field, $"{field} '{period}' is unknown; use day, week, month or rolling."),
    };

    private void Apply(BudgetEntity e, BudgetDefinition? d, bool creating)
    {
        if (d is null)
        {
            throw new CostingValidationException("body", "A budget definition is required.");
        }

        if (creating || d.Name is not null)
        {
            var name = d.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > CostingColumnLengths.BudgetName)
            {
                throw new CostingValidationException("name", $"name is required and at most {CostingColumnLengths.BudgetName} characters.");
            }

            e.Name = Foundation.Text.DisplayText.FindRefusedCharacter(name) is { } refused ? throw new CostingValidationException("name", refused.Describe("name")) : name;
        }

        if (creating || d.Scope is not null)
        {
            e.ScopeKind = ParseScope(d.Scope ?? (creating ? null : e.ScopeKind.ToString()));
        }

        if (creating || d.ScopeValue is not null || d.Scope is not null)
        {
            var value = d.ScopeValue?.Trim();
            if (e.ScopeKind == BudgetScope.Tenant)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    throw new CostingValidationException("scopeValue", "scopeValue must be empty for a tenant budget (it covers the whole tenant).");
                }

                e.ScopeValue = null;
            }
            else
            {
                if (string.IsNullOrEmpty(value) || value.Length > CostingColumnLengths.ScopeValue)
                {
                    throw new CostingValidationException("scopeValue",
                        $"scopeValue is required for a {e.ScopeKind.ToString().ToLowerInvariant()} budget (the id or role name) and at most {CostingColumnLengths.ScopeValue} characters.");
                }

                e.ScopeValue = e.ScopeKind == BudgetScope.Role ? value.ToLowerInvariant() : value;
            }
        }

        if (creating || d.Period is not null)
        {
            e.Period = ParsePeriod(d.Period);
        }

        if (e.Period == BudgetPeriod.Rolling)
        {
            var hours = d.RollingHours ?? e.RollingHours;
            if (hours is null or < 1 or > 8784)
            {
                throw new CostingValidationException("rollingHours", "rollingHours is required for a rolling budget and must be between 1 and 8784 (a year).");
            }

            e.RollingHours = hours;
        }
        else if (d.RollingHours is not null)
        {
            throw new CostingValidationException("rollingHours", "rollingHours applies to rolling budgets only.");
        }
        else
        {
            e.RollingHours = null;
        }

        if (creating || d.LimitUsd is not null)
        {
            if (d.LimitUsd is { } usd && (usd < 0 || usd > MaxLimitUsd))
            {
                throw new CostingValidationException("limitUsd", string.Create(CultureInfo.InvariantCulture, $"limitUsd must be between 0 and {MaxLimitUsd}; it is {usd}."));
            }

            e.LimitCostNanos = d.LimitUsd is { } l ? Money.ToNanos(l) : null;
        }

        if (creating || d.LimitTokens is not null)
        {
            if (d.LimitTokens is { } tokens && (tokens < 0 || tokens > MaxLimitTokens))
            {
                throw new CostingValidationException("limitTokens", string.Create(CultureInfo.InvariantCulture, $"limitTokens must be between 0 and {MaxLimitTokens}; it is {tokens}."));
            }

            e.LimitTokens = d.LimitTokens;
        }

        if (e.LimitCostNanos is null && e.LimitTokens is null)
        {
            throw new CostingValidationException("limitUsd", "A budget needs limitUsd, limitTokens or both.");
        }

        if (creating || d.Thresholds is not null)
        {
            var thresholds = d.Thresholds ?? _options.CurrentValue.Budgets.Thresholds;
            if (thresholds.Count > 30 || thresholds.Any(t => t is < 1 or > 1000))
            {
                throw new CostingValidationException("thresholds", "thresholds are percentages between 1 and 1000, at most 30 of them.");
            }

            e.Thresholds = string.Join(',', thresholds.Distinct().Order().Select(t => t.ToString(CultureInfo.InvariantCulture)));
        }

        if (creating || d.HardLimit is not null)
        {
            e.HardLimit = d.HardLimit ?? true;
        }

        if (creating || d.Enabled is not null)
        {
            e.Enabled = d.Enabled ?? true;
        }
    }

    /// <summary>The audited fields of a budget, as text.</summary>
    private static Dictionary<string, string?> Snapshot(BudgetEntity b) => new(StringComparer.Ordinal)
    {
        ["name"] = b.Name,
        ["scope"] = b.ScopeKind.ToString().ToLowerInvariant(),
        ["scopeValue"] = b.ScopeValue,
        ["period"] = b.Period.ToString().ToLowerInvariant(),
        ["rollingHours"] = b.RollingHours?.ToString(CultureInfo.InvariantCulture),
        ["limitUsd"] = Money.FromNanos(b.LimitCostNanos)?.ToString(CultureInfo.InvariantCulture),
        ["limitTokens"] = b.LimitTokens?.ToString(CultureInfo.InvariantCulture),
        ["thresholds"] = b.Thresholds,
        ["hardLimit"] = b.HardLimit ? "true" : "false",
        ["enabled"] = b.Enabled ? "true" : "false",
    };

    private async Task AuditAsync(string action, BudgetEntity budget, Dictionary<string, string?>? before, BudgetEntity? after, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (before is not null)
        {
            foreach (var (key, value) in before)
            {
                data["before." + key] = value;
            }
        }

        if (after is not null)
        {
            foreach (var (key, value) in Snapshot(after))
            {
                data["after." + key] = value;
            }
        }

        await _audit.WriteAsync(new AuditEvent(action, AuditOutcome.Success)
        {
            OccurredAt = _time.GetUtcNow(),
            ActorUserId = _caller.UserId,
            TenantId = string.IsNullOrEmpty(budget.TenantId) ? null : budget.TenantId,
            TargetType = "budget",
            TargetId = budget.Id.ToString(),
            RequestId = _caller.RequestId,
            Data = data,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureUniqueNameAsync(string tenantId, string name, Guid? except, CancellationToken cancellationToken)
    {
        if (await _db.Budgets.AsNoTracking().AnyAsync(b => b.TenantId == tenantId && b.Name == name && b.Id != except, cancellationToken).ConfigureAwait(false))
        {
            throw new BudgetConflictException($"A budget named '{name}' already exists in this tenant.");
        }
    }

    private void Changed(string tenantId, Guid budgetId)
    {
        Enforcer?.Definitions.Invalidate(tenantId);
        Enforcer?.Leases.Invalidate(budgetId);
    }

    private async Task<BudgetView> ViewAsync(BudgetEntity b, CancellationToken cancellationToken, string? subject = null)
    {
        var now = _time.GetUtcNow();
        var zone = TimeZones.Find(_options.CurrentValue.TimeZone, CostingOptions.SectionName + ":TimeZone");
        var (start, end) = BudgetPeriods.Current(b.Period, now, zone);
        var from = b.Period == BudgetPeriod.Rolling ? BudgetPeriods.RollingWindowStart(now, b.RollingHours ?? 24) : start;
        var query = _db.BudgetUsage.AsNoTracking().Where(u => u.BudgetId == b.Id && u.PeriodStart >= from && u.PeriodStart <= start);
        if (subject is not null)
        {
            query = query.Where(u => u.Subject == subject);
        }

        var rows = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
        var spent = rows.Sum(r => r.SpentCostNanos);
        var spentTokens = rows.Sum(r => r.SpentTokens);
        var utilisation = rows.GroupBy(r => r.Subject, StringComparer.Ordinal)
            .Select(g => BudgetEnforcer.Utilisation(b, g.Sum(r => r.SpentCostNanos), g.Sum(r => r.SpentTokens)))
            .DefaultIfEmpty(0).Max();
        var resetsAt = end;
        if (b.Period == BudgetPeriod.Rolling)
        {
            var oldest = rows.Where(r => r.SpentCostNanos + r.SpentTokens + r.ReservedCostNanos + r.ReservedTokens + r.LeasedCostNanos + r.LeasedTokens > 0).Select(r => r.PeriodStart).DefaultIfEmpty(start).Min();
            resetsAt = oldest.AddHours(b.RollingHours ?? 24);
        }

        return new BudgetView(b.Id, b.TenantId, b.Name, b.ScopeKind.ToString().ToLowerInvariant(), b.ScopeValue, b.Period.ToString().ToLowerInvariant(), b.RollingHours,
            Money.FromNanos(b.LimitCostNanos), b.LimitTokens, ParseThresholds(b.Thresholds), b.HardLimit, b.Enabled, b.CreatedAt, b.UpdatedAt,
            new BudgetUtilisation(from, resetsAt, Money.FromNanos(spent), spentTokens, Money.FromNanos(rows.Sum(r => r.ReservedCostNanos + r.LeasedCostNanos)), rows.Sum(r => r.ReservedTokens + r.LeasedTokens), utilisation));
    }
}
