using System.Data.Common;
using Foundation.Costing.Diagnostics;
using Foundation.Costing.Internal;
using Foundation.Costing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Budgets;

/// <summary>
/// Reserves a call's worst case against every budget that applies, before the call, atomically in the database; settles the real cost
/// after it and releases the rest. The admission check and the reservation are one conditional UPDATE per budget
/// (<c>UPDATE costing_budget_usage SET reserved = reserved + x WHERE ... AND spent + reserved + x &lt;= limit</c>), all in one transaction, so
/// parallel calls on any number of instances sharing the database never admit more than the limit affords.
/// </summary>
public sealed partial class BudgetEnforcer
{
    private const int RefusalBit = 1 << 30;
    private const int MaxAttempts = 5;

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly CostingTelemetry _telemetry;
    private readonly BudgetEventPublisher _events;
    private readonly BudgetDefinitionCache _definitions;
    private readonly ILogger _logger;

    internal BudgetEnforcer(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<CostingOptions> options, CostingTelemetry telemetry,
        BudgetEventPublisher events, BudgetDefinitionCache definitions, ILogger<BudgetEnforcer> logger)
    {
        _scopes = scopes;
        _time = time;
        _options = options;
        _telemetry = telemetry;
        _events = events;
        _definitions = definitions;
        _logger = logger;
        Leases = new BudgetLeaseManager(scopes, time, options, AfterLeaseSpendAsync, logger);
    }

    /// <summary>This instance's budget leases (decision 0012).</summary>
    internal BudgetLeaseManager Leases { get; }

    /// <summary>The cached budget definitions.</summary>
    internal BudgetDefinitionCache Definitions => _definitions;

    /// <summary>
    /// Reserves <paramref name="demand"/> against every enabled budget of the caller's tenant that applies to it (tenant, team, user,
    /// API key, role). Returns <see cref="BudgetReservation.None"/> when none applies.
    /// </summary>
    /// <exception cref="BudgetExceededException">A hard limit does not afford the worst case; nothing was reserved anywhere.</exception>
    public async Task<BudgetReservation> ReserveAsync(BudgetDemand demand, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(demand);
        var options = _options.CurrentValue;
        var budgets = await _definitions.ApplicableAsync(demand, cancellationToken).ConfigureAwait(false);
        if (budgets.Count == 0)
        {
            return BudgetReservation.None;
        }

        var zone = TimeZones.Find(options.TimeZone, CostingOptions.SectionName + ":TimeZone");
        var costNanos = Money.ToNanosCeiling(demand.CostUsd);
        if (options.Budgets.Leases.Enabled)
        {
            var takes = await Leases.TryReserveAsync(demand, costNanos, budgets, _time.GetUtcNow(), zone, cancellationToken).ConfigureAwait(false);
            if (takes is not null)
            {
                return new BudgetReservation(demand, takes);
            }
        }

        return await ReservePerCallAsync(demand, budgets, costNanos, zone, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reserves in the database, one reservation row per budget: a budget near its limit, a rolling window, leases off.</summary>
    private async Task<BudgetReservation> ReservePerCallAsync(BudgetDemand demand, List<BudgetEntity> budgets, long costNanos, TimeZoneInfo zone, CostingOptions options,
        CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            var now = _time.GetUtcNow();
            var expires = now.AddSeconds(options.Budgets.ReservationTtlSeconds);
            var targets = budgets
                .OrderBy(b => b.Id)
                .Select(b =>
                {
                    var (start, end) = BudgetPeriods.Current(b.Period, now, zone);
                    var subject = b.ScopeKind == BudgetScope.Role ? demand.UserId ?? demand.ApiKeyId ?? "" : "";
                    return new ReservedItem(Guid.CreateVersion7(), b, subject, start, end, costNanos, demand.Tokens);
                })
                .ToList();

            foreach (var t in targets)
            {
                await EnsurePeriodRowAsync(db, t, cancellationToken).ConfigureAwait(false);
            }

            var reservationId = Guid.CreateVersion7();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var refused = await TryReserveAsync(db, reservationId, targets, now, expires, cancellationToken).ConfigureAwait(false);
                    if (refused is null)
                    {
                        return new BudgetReservation(reservationId, demand, targets);
                    }

                    await RefuseAsync(db, refused, demand, now, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < MaxAttempts && IsTransient(ex))
                {
                    db.ChangeTracker.Clear();
                    LogRetry(_logger, attempt, ex.Message);
                }
            }
        }
    }

    /// <summary>
    /// Settles <paramref name="reservation"/>: adds the real cost and tokens to each budget's period and returns the reserved amounts.
    /// A reservation the reclaimer already returned (the call outlived its TTL) only adds the real spend. Raises threshold events.
    /// </summary>
    public async Task SettleAsync(BudgetReservation reservation, decimal actualCostUsd, long actualTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (reservation.IsEmpty)
        {
            return;
        }

        var spentNanos = Money.ToNanos(Math.Max(0, actualCostUsd));
        if (reservation.Leases.Length > 0)
        {
            // In memory; written by the next flush (or now, for a period metered per call). Thresholds are raised after the write.
            await Leases.SettleAsync(reservation.Leases, spentNanos, Math.Max(0, actualTokens), cancellationToken).ConfigureAwait(false);
            return;
        }

        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await SettleCoreAsync(db, reservation, spentNanos, Math.Max(0, actualTokens), cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (attempt < MaxAttempts && IsTransient(ex))
                {
                    db.ChangeTracker.Clear();
                    LogRetry(_logger, attempt, ex.Message);
                }
            }

            if (spentNanos > 0 || actualTokens > 0)
            {
                await RaiseThresholdsAsync(db, reservation, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Returns the whole reservation (the call failed before costing anything).</summary>
    public Task ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) =>
        SettleAsync(reservation, 0m, 0, cancellationToken);

    /// <summary>Returns reservations past their TTL (their calls crashed or hang); the reclaimer service calls it periodically.</summary>
    /// <returns>How many reservation rows were returned.</returns>
    public async Task<int> ReclaimExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var reclaimed = 0;
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            while (true)
            {
                var expired = await db.Reservations.AsNoTracking().Where(r => r.ExpiresAt < now).OrderBy(r => r.ExpiresAt).Take(500)
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
                if (expired.Count == 0)
                {
                    return reclaimed;
                }

                var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    foreach (var r in expired.OrderBy(r => r.BudgetId))
                    {
                        var deleted = await db.Reservations.Where(x => x.Id == r.Id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                        if (deleted == 1)
                        {
                            await db.BudgetUsage.Where(u => u.BudgetId == r.BudgetId && u.Subject == r.Subject && u.PeriodStart == r.PeriodStart)
                                .ExecuteUpdateAsync(s => s
                                    .SetProperty(u => u.ReservedCostNanos, u => u.ReservedCostNanos - r.CostNanos)
                                    .SetProperty(u => u.ReservedTokens, u => u.ReservedTokens - r.Tokens), cancellationToken).ConfigureAwait(false);
                            reclaimed++;
                        }
                    }

                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                if (expired.Count < 500)
                {
                    return reclaimed;
                }
            }
        }
    }

    /// <summary>Returns expired budget leases (their instances crashed); the reclaimer service calls it with <see cref="ReclaimExpiredAsync"/>.</summary>
    /// <returns>How many lease rows were returned.</returns>
    internal Task<int> ReclaimExpiredLeasesAsync(CancellationToken cancellationToken = default) => Leases.ReclaimExpiredAsync(cancellationToken);

    internal static async Task<List<BudgetEntity>> ApplicableAsync(CostingDbContext db, BudgetDemand demand, CancellationToken cancellationToken)
    {
        var tenant = demand.TenantId;
        var user = demand.UserId;
        var team = demand.TeamId;
        var key = demand.ApiKeyId;
        var roles = demand.Roles.Select(r => r.ToLowerInvariant()).ToList();
        var hasRoles = roles.Count > 0;
        return await db.Budgets.AsNoTracking()
            .Where(b => b.TenantId == tenant && b.Enabled && (
                b.ScopeKind == BudgetScope.Tenant
                || (team != null && b.ScopeKind == BudgetScope.Team && b.ScopeValue == team)
                || (user != null && b.ScopeKind == BudgetScope.User && b.ScopeValue == user)
                || (key != null && b.ScopeKind == BudgetScope.ApiKey && b.ScopeValue == key)
                || (hasRoles && b.ScopeKind == BudgetScope.Role && roles.Contains(b.ScopeValue!))))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static Task EnsurePeriodRowAsync(CostingDbContext db, ReservedItem t, CancellationToken cancellationToken) =>
        EnsurePeriodRowAsync(db, t.Budget.Id, t.Subject, t.PeriodStart, t.PeriodEnd, cancellationToken);

    internal static Task EnsurePeriodRowAsync(CostingDbContext db, Guid budgetId, string subject, DateTimeOffset periodStart, DateTimeOffset periodEnd,
        CancellationToken cancellationToken) =>
        CostingStore.ExecuteAsync(db,
            "INSERT INTO costing_budget_usage (id, budget_id, subject, period_start, period_end, spent_cost_nanos, spent_tokens, reserved_cost_nanos, reserved_tokens, thresholds_raised) " +
            "VALUES (@p0, @p1, @p2, @p3, @p4, 0, 0, 0, 0, 0) ON CONFLICT (budget_id, subject, period_start) DO NOTHING",
            cancellationToken,
            CostingStore.Value(db, Guid.CreateVersion7()), CostingStore.Value(db, budgetId), subject, CostingStore.Value(db, periodStart), CostingStore.Value(db, periodEnd));

    private static async Task<ReservedItem?> TryReserveAsync(CostingDbContext db, Guid reservationId, List<ReservedItem> targets, DateTimeOffset now,
        DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            foreach (var t in targets)
            {
                var b = t.Budget;
                long otherCost = 0, otherTokens = 0;
                if (b.Period == BudgetPeriod.Rolling && b.HardLimit)
                {
                    // The window spans several hour rows: serialise reservations of this budget (PostgreSQL row lock; SQLite transactions
                    // are already serial) so the sum of the other rows cannot change under us.
                    if (!db.IsSqlite)
                    {
                        await CostingStore.ExecuteAsync(db, "SELECT id FROM costing_budgets WHERE id = @p0 FOR NO KEY UPDATE", cancellationToken, b.Id).ConfigureAwait(false);
                    }

                    var windowStart = BudgetPeriods.RollingWindowStart(now, b.RollingHours ?? 24);
                    var others = db.BudgetUsage.Where(u => u.BudgetId == b.Id && u.Subject == t.Subject && u.PeriodStart >= windowStart && u.PeriodStart != t.PeriodStart);
                    otherCost = await others.SumAsync(u => u.SpentCostNanos + u.ReservedCostNanos + u.LeasedCostNanos, cancellationToken).ConfigureAwait(false);
                    otherTokens = await others.SumAsync(u => u.SpentTokens + u.ReservedTokens + u.LeasedTokens, cancellationToken).ConfigureAwait(false);
                }

                var row = db.BudgetUsage.Where(u => u.BudgetId == b.Id && u.Subject == t.Subject && u.PeriodStart == t.PeriodStart);
                if (b.HardLimit)
                {
                    if (b.LimitCostNanos is { } limitCost)
                    {
                        var room = limitCost - otherCost - t.CostNanos;
                        row = t.CostNanos > 0
                            ? row.Where(u => u.SpentCostNanos + u.ReservedCostNanos + u.LeasedCostNanos <= room)
                            : row.Where(u => u.SpentCostNanos + u.ReservedCostNanos + u.LeasedCostNanos < room); // an unpriced call still needs some room left
                    }

                    if (b.LimitTokens is { } limitTokens)
                    {
                        var room = limitTokens - otherTokens - t.Tokens;
                        row = row.Where(u => u.SpentTokens + u.ReservedTokens + u.LeasedTokens <= room);
                    }
                }

                var cost = t.CostNanos;
                var tokens = t.Tokens;
                var updated = await row.ExecuteUpdateAsync(s => s
                    .SetProperty(u => u.ReservedCostNanos, u => u.ReservedCostNanos + cost)
                    .SetProperty(u => u.ReservedTokens, u => u.ReservedTokens + tokens), cancellationToken).ConfigureAwait(false);
                if (updated == 0)
                {
                    await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return t;
                }

                db.Reservations.Add(new ReservationEntity
                {
                    Id = t.RowId, ReservationId = reservationId, BudgetId = b.Id, Subject = t.Subject, PeriodStart = t.PeriodStart,
                    CostNanos = cost, Tokens = tokens, CreatedAt = now, ExpiresAt = expires,
                });
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            db.ChangeTracker.Clear();
            return null;
        }
    }

    private async Task RefuseAsync(CostingDbContext db, ReservedItem refused, BudgetDemand demand, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var b = refused.Budget;
        long spentCost, spentTokens;
        DateTimeOffset resetsAt = refused.PeriodEnd;
        if (b.Period == BudgetPeriod.Rolling)
        {
            var windowStart = BudgetPeriods.RollingWindowStart(now, b.RollingHours ?? 24);
            var rows = await db.BudgetUsage.AsNoTracking().Where(u => u.BudgetId == b.Id && u.Subject == refused.Subject && u.PeriodStart >= windowStart)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            spentCost = rows.Sum(r => r.SpentCostNanos + r.ReservedCostNanos + r.LeasedCostNanos);
            spentTokens = rows.Sum(r => r.SpentTokens + r.ReservedTokens + r.LeasedTokens);
            var oldest = rows.Where(r => r.SpentCostNanos + r.ReservedCostNanos + r.SpentTokens + r.ReservedTokens > 0).Select(r => r.PeriodStart).DefaultIfEmpty(refused.PeriodStart).Min();
            resetsAt = oldest.AddHours(b.RollingHours ?? 24);
        }
        else
        {
            var row = await db.BudgetUsage.AsNoTracking().SingleAsync(u => u.BudgetId == b.Id && u.Subject == refused.Subject && u.PeriodStart == refused.PeriodStart, cancellationToken).ConfigureAwait(false);
            spentCost = row.SpentCostNanos + row.ReservedCostNanos + row.LeasedCostNanos;
            spentTokens = row.SpentTokens + row.ReservedTokens + row.LeasedTokens;
        }

        _telemetry.RecordRefusal(b.ScopeKind.ToString().ToLowerInvariant());

        // Handlers hear of a refusal once per period; the audit log gets every one.
        var first = await db.BudgetUsage.Where(u => u.BudgetId == b.Id && u.Subject == refused.Subject && u.PeriodStart == refused.PeriodStart && (u.ThresholdsRaised & RefusalBit) == 0)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ThresholdsRaised, u => u.ThresholdsRaised | RefusalBit), cancellationToken).ConfigureAwait(false) == 1;
        await _events.PublishAsync(new BudgetEvent(BudgetEventKind.LimitRefused, b.Id, b.Name, b.TenantId, b.ScopeKind, b.ScopeValue, null,
            Money.FromNanos(b.LimitCostNanos), b.LimitTokens, Money.FromNanos(spentCost), spentTokens, refused.PeriodStart, resetsAt, now, demand.UserId), first, demand.RequestId).ConfigureAwait(false);

        throw new BudgetExceededException(b.Id, b.Name, b.ScopeKind, Money.FromNanos(b.LimitCostNanos), b.LimitTokens, Money.FromNanos(spentCost), spentTokens,
            Money.FromNanos(refused.CostNanos), refused.Tokens, resetsAt);
    }

    private static async Task SettleCoreAsync(CostingDbContext db, BudgetReservation reservation, long spentNanos, long spentTokens, CancellationToken cancellationToken)
    {
        var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            foreach (var item in reservation.Items)
            {
                var rowId = item.RowId;
                var deleted = await db.Reservations.Where(r => r.Id == rowId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                var returnCost = deleted == 1 ? item.CostNanos : 0;
                var returnTokens = deleted == 1 ? item.Tokens : 0;
                await db.BudgetUsage.Where(u => u.BudgetId == item.Budget.Id && u.Subject == item.Subject && u.PeriodStart == item.PeriodStart)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(u => u.SpentCostNanos, u => u.SpentCostNanos + spentNanos)
                        .SetProperty(u => u.SpentTokens, u => u.SpentTokens + spentTokens)
                        .SetProperty(u => u.ReservedCostNanos, u => u.ReservedCostNanos - returnCost)
                        .SetProperty(u => u.ReservedTokens, u => u.ReservedTokens - returnTokens), cancellationToken).ConfigureAwait(false);
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RaiseThresholdsAsync(CostingDbContext db, BudgetReservation reservation, CancellationToken cancellationToken)
    {
        foreach (var item in reservation.Items)
        {
            await RaiseThresholdsAsync(db, item.Budget, item.Subject, item.PeriodStart, item.PeriodEnd, reservation.Demand.UserId, reservation.Demand.RequestId,
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After a lease flush wrote spend: the same threshold events a per-call settlement raises (the subject is the user of a role budget).</summary>
    private Task AfterLeaseSpendAsync(CostingDbContext db, BudgetLeaseAccount account, CancellationToken cancellationToken) =>
        RaiseThresholdsAsync(db, account.Budget, account.Key.Subject, account.Key.PeriodStart, account.PeriodEnd,
            account.Key.Subject.Length > 0 ? account.Key.Subject : null, null, cancellationToken);

    private async Task RaiseThresholdsAsync(CostingDbContext db, BudgetEntity b, string subject, DateTimeOffset periodStart, DateTimeOffset periodEnd, string? userId,
        string? requestId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var item = (Subject: subject, PeriodStart: periodStart, PeriodEnd: periodEnd);
        {
            var windowStart = b.Period == BudgetPeriod.Rolling ? BudgetPeriods.RollingWindowStart(now, b.RollingHours ?? 24) : item.PeriodStart;
            var rows = await db.BudgetUsage.AsNoTracking()
                .Where(u => u.BudgetId == b.Id && u.Subject == item.Subject && u.PeriodStart >= windowStart && u.PeriodStart <= item.PeriodStart)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var spentCost = rows.Sum(r => r.SpentCostNanos);
            var spentTokens = rows.Sum(r => r.SpentTokens);
            var utilisation = Utilisation(b, spentCost, spentTokens);
            _telemetry.SetUtilisation(b.Id, b.ScopeKind.ToString().ToLowerInvariant(), utilisation);
            var thresholds = BudgetService.ParseThresholds(b.Thresholds);
            for (var i = 0; i < thresholds.Count && i < 30; i++)
            {
                if (utilisation * 100 < thresholds[i])
                {
                    continue;
                }

                var bit = 1 << i;
                var raised = await db.BudgetUsage
                    .Where(u => u.BudgetId == b.Id && u.Subject == item.Subject && u.PeriodStart == item.PeriodStart && (u.ThresholdsRaised & bit) == 0)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.ThresholdsRaised, u => u.ThresholdsRaised | bit), cancellationToken).ConfigureAwait(false);
                if (raised == 1)
                {
                    await _events.PublishAsync(new BudgetEvent(BudgetEventKind.ThresholdReached, b.Id, b.Name, b.TenantId, b.ScopeKind, b.ScopeValue, thresholds[i],
                        Money.FromNanos(b.LimitCostNanos), b.LimitTokens, Money.FromNanos(spentCost), spentTokens, item.PeriodStart,
                        b.Period == BudgetPeriod.Rolling ? item.PeriodEnd.AddHours((b.RollingHours ?? 24) - 1) : item.PeriodEnd, now, userId),
                        toHandlers: true, requestId).ConfigureAwait(false);
                }
            }
        }
    }

    internal static double Utilisation(BudgetEntity b, long spentCostNanos, long spentTokens)
    {
        double u = 0;
        if (b.LimitCostNanos is { } lc)
        {
            u = lc == 0 ? (spentCostNanos > 0 ? double.PositiveInfinity : 0) : (double)spentCostNanos / lc;
        }

        if (b.LimitTokens is { } lt)
        {
            u = Math.Max(u, lt == 0 ? (spentTokens > 0 ? double.PositiveInfinity : 0) : (double)spentTokens / lt);
        }

        return double.IsInfinity(u) ? 1.0 : u;
    }

    internal static bool IsTransient(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            // PostgreSQL deadlock / serialization failure; SQLite busy / locked beyond the busy timeout.
            if (e is DbException { SqlState: "40P01" or "40001" })
            {
                return true;
            }

            if (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 })
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Budget transaction attempt {Attempt} hit a transient database error; retrying: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);
}
