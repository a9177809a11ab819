using System.Collections.Concurrent;
using Foundation.Costing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Budgets;

/// <summary>
/// Budget leases (decision 0012). A call is admitted against slices of headroom this instance took from the database, in memory; its spend is
/// written in batches by <see cref="FlushAllAsync"/>. A slice is taken in one conditional UPDATE
/// (<c>leased = leased + s WHERE spent + reserved + leased + s &lt;= limit</c>), so recorded spend + reservations + slices never exceed the
/// limit, whatever the number of instances. Slices are 1/<see cref="BudgetLeaseOptions.SliceDivisor"/> of the headroom left, in whole calls;
/// below <see cref="BudgetLeaseOptions.MinSliceCalls"/> calls the period is metered per call in the database, as without leases.
/// When a slice's free part falls below <see cref="BudgetLeaseOptions.RefillBelowPercent"/> of it, the next slice is taken in the background
/// (at most one refill per account at a time), so calls keep being admitted from memory instead of waiting for the database.
/// </summary>
internal sealed partial class BudgetLeaseManager
{
    private const int MaxAttempts = 5;

    private readonly ConcurrentDictionary<LeaseKey, BudgetLeaseAccount> _accounts = new();
    private readonly ConcurrentDictionary<Task, byte> _refills = new();
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly Func<CostingDbContext, BudgetLeaseAccount, CancellationToken, Task> _afterSpend;
    private readonly ILogger _logger;

    public BudgetLeaseManager(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<CostingOptions> options,
        Func<CostingDbContext, BudgetLeaseAccount, CancellationToken, Task> afterSpend, ILogger logger)
    {
        _scopes = scopes;
        _time = time;
        _options = options;
        _afterSpend = afterSpend;
        _logger = logger;
        var machine = Environment.MachineName;
        Holder = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{machine[..Math.Min(machine.Length, 20)]}/{Environment.ProcessId}/{Guid.NewGuid():N}"); // at most 20 + 1 + 10 + 1 + 32 = 64
    }

    /// <summary>This instance's name on its lease rows.</summary>
    public string Holder { get; }

    /// <summary>The accounts this instance holds (tests and diagnostics).</summary>
    internal ICollection<BudgetLeaseAccount> Accounts => _accounts.Values;

    /// <summary>
    /// Admits <paramref name="demand"/> against a slice of every budget in <paramref name="budgets"/>, taking or topping up slices as needed.
    /// Returns <see langword="null"/> (nothing taken) when a budget must be metered per call: a rolling window or headroom below the
    /// smallest slice.
    /// </summary>
    public async ValueTask<LeaseTake[]?> TryReserveAsync(BudgetDemand demand, long costNanos, List<BudgetEntity> budgets, DateTimeOffset now, TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        foreach (var b in budgets)
        {
            if (b.Period == BudgetPeriod.Rolling || (demand.Tokens <= 0 && b.LimitTokens is not null))
            {
                return null;
            }
        }

        // An unpriced call (worst case $0) takes one nano-dollar: admitted while the period has any money left, the rule of the per-call
        // path (spent + reserved < limit), and given back when it settles at $0.
        costNanos = Math.Max(1, costNanos);

        var leases = _options.CurrentValue.Budgets.Leases;
        var validUntil = now.AddSeconds(leases.TtlSeconds / 4.0);
        var takes = new LeaseTake[budgets.Count];
        var taken = 0;
        try
        {
            foreach (var b in budgets)
            {
                var (start, end) = BudgetPeriods.Current(b.Period, now, zone);
                var subject = b.ScopeKind == BudgetScope.Role ? demand.UserId ?? demand.ApiKeyId ?? "" : "";
                var key = new LeaseKey(b.Id, subject, start);
                while (true)
                {
                    var account = _accounts.GetOrAdd(key, static (k, s) => new BudgetLeaseAccount(k, s.b, s.end, s.now), (b, end, now));
                    account.Budget = b;
                    if (account.TryTake(costNanos, demand.Tokens, now, validUntil, leases.RefillBelowPercent, out var generation, out var refill))
                    {
                        takes[taken++] = new LeaseTake(account, generation, costNanos, demand.Tokens);
                        if (refill)
                        {
                            StartRefill(account, costNanos, demand.Tokens);
                        }

                        break;
                    }

                    var acquired = await AcquireAsync(account, costNanos, demand.Tokens, now, validUntil, cancellationToken).ConfigureAwait(false);
                    if (acquired == Acquired.Removed)
                    {
                        continue;
                    }

                    if (acquired is not Acquired.Taken(var g))
                    {
                        GiveBack(takes, taken);
                        return null;
                    }

                    takes[taken++] = new LeaseTake(account, g, costNanos, demand.Tokens);
                    break;
                }
            }

            return takes;
        }
        catch
        {
            GiveBack(takes, taken);
            throw;
        }
    }

    /// <summary>Waits for the refills running in the background (shutdown: before the last flush returns every slice).</summary>
    public Task WhenRefillsDoneAsync() => Task.WhenAll(_refills.Keys);

    private void StartRefill(BudgetLeaseAccount account, long cost, long tokens)
    {
        var refill = Task.Run(() => RefillAsync(account, cost, tokens));
        _refills.TryAdd(refill, 0);
        _ = refill.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _refills,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Takes the next slice of <paramref name="account"/> before its free part runs out, off the calls' path. Skipped when the account's
    /// database work is already under way (a call asking for a slice, or the background pass); a failure is logged, and the next call
    /// that finds the slice empty asks for one itself, as without a refill.
    /// </summary>
    private async Task RefillAsync(BudgetLeaseAccount account, long cost, long tokens)
    {
        try
        {
            if (!await account.Gate.WaitAsync(0).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                if (!account.Removed)
                {
                    var now = _time.GetUtcNow();
                    await AcquireLockedAsync(account, cost, tokens, now, now, refill: true, CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                account.Gate.Release();
            }
        }
        catch (Exception ex)
        {
            LogRefillFailed(_logger, ex, account.Key.BudgetId);
        }
        finally
        {
            account.EndRefill();
        }
    }

    /// <summary>Settles the takes of a call; a period metered per call is written through at once.</summary>
    public async Task SettleAsync(LeaseTake[] takes, long spentNanos, long spentTokens, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var take in takes)
        {
            if (take.Account.Settle(take, spentNanos, spentTokens, now))
            {
                await FlushAsync(take.Account, returnFree: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Marks the accounts of a changed or deleted budget: their free headroom is returned and new slices use the new limit.</summary>
    public void Invalidate(Guid budgetId)
    {
        foreach (var account in _accounts.Values)
        {
            if (account.Key.BudgetId == budgetId)
            {
                account.MarkStale();
            }
        }
    }

    /// <summary>
    /// The background pass: writes settled spend, renews leases that expire within half their TTL, returns idle slices (or every slice with
    /// <paramref name="returnAll"/>, at shutdown) and forgets idle empty accounts. A failure on one account is logged and retried next pass.
    /// </summary>
    /// <returns>How many accounts failed.</returns>
    public async Task<int> FlushAllAsync(bool returnAll, CancellationToken cancellationToken)
    {
        var leases = _options.CurrentValue.Budgets.Leases;
        var idle = TimeSpan.FromSeconds(leases.IdleSeconds);
        var renewWithin = TimeSpan.FromSeconds(leases.TtlSeconds / 2.0);
        var failed = 0;
        foreach (var (key, account) in _accounts)
        {
            var now = _time.GetUtcNow();
            var (flush, returnFree, removable) = account.Inspect(now, idle, renewWithin, returnAll);
            try
            {
                if (flush)
                {
                    await FlushAsync(account, returnFree, cancellationToken).ConfigureAwait(false);
                }
                else if (removable)
                {
                    await account.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        if (account.TryRemove())
                        {
                            _accounts.TryRemove(new KeyValuePair<LeaseKey, BudgetLeaseAccount>(key, account));
                        }
                    }
                    finally
                    {
                        account.Gate.Release();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // one account's failure must not stop the others; the next pass retries
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed++;
                LogFlushFailed(_logger, ex, key.BudgetId);
            }
        }

        return failed;
    }

    /// <summary>Writes an account's settled spend, renews its lease and, with <paramref name="returnFree"/>, returns its free headroom.</summary>
    public async Task FlushAsync(BudgetLeaseAccount account, bool returnFree, CancellationToken cancellationToken)
    {
        await account.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushLockedAsync(account, returnFree, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            account.Gate.Release();
        }
    }

    /// <summary>Returns expired lease rows (their holders crashed or lost the database for longer than the TTL) to their budgets.</summary>
    /// <returns>How many lease rows were returned.</returns>
    public async Task<int> ReclaimExpiredAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var reclaimed = 0;
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            var expired = await db.BudgetLeases.AsNoTracking().Where(l => l.ExpiresAt < now).OrderBy(l => l.ExpiresAt).Take(500)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var lease in expired)
            {
                var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    // Delete first, with the expiry re-checked: a holder that renewed in between keeps its lease; the row's amount is read in
                    // the same statement's transaction, so what is returned is what the row held.
                    var row = await db.BudgetLeases.AsNoTracking().Where(l => l.Id == lease.Id && l.ExpiresAt < now).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                    if (row is not null && await db.BudgetLeases.Where(l => l.Id == row.Id && l.ExpiresAt < now && l.CostNanos == row.CostNanos && l.Tokens == row.Tokens)
                            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 1)
                    {
                        await db.BudgetUsage.Where(u => u.BudgetId == row.BudgetId && u.Subject == row.Subject && u.PeriodStart == row.PeriodStart)
                            .ExecuteUpdateAsync(s => s
                                .SetProperty(u => u.LeasedCostNanos, u => u.LeasedCostNanos - row.CostNanos)
                                .SetProperty(u => u.LeasedTokens, u => u.LeasedTokens - row.Tokens), cancellationToken).ConfigureAwait(false);
                        reclaimed++;
                    }

                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return reclaimed;
    }

    private static void GiveBack(LeaseTake[] takes, int count)
    {
        for (var i = 0; i < count; i++)
        {
            takes[i].Account.GiveBack(takes[i]);
        }
    }

    private async Task<Acquired> AcquireAsync(BudgetLeaseAccount account, long cost, long tokens, DateTimeOffset now, DateTimeOffset validUntil,
        CancellationToken cancellationToken)
    {
        await account.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (account.Removed)
            {
                return Acquired.Removed;
            }

            // Another call may have taken a slice while this one waited.
            if (account.TryTake(cost, tokens, now, validUntil, out var generation))
            {
                return new Acquired.Taken(generation);
            }

            if (account.StillPerCall(now))
            {
                return Acquired.PerCall;
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await AcquireLockedAsync(account, cost, tokens, now, validUntil, refill: false, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < MaxAttempts && BudgetEnforcer.IsTransient(ex))
                {
                    LogRetry(_logger, attempt, ex.Message);
                }
            }
        }
        finally
        {
            account.Gate.Release();
        }
    }

    /// <summary>
    /// Takes a slice for <paramref name="account"/> (under its <see cref="BudgetLeaseAccount.Gate"/>) and, unless this is a
    /// <paramref name="refill"/>, the call's take from it. A refill keeps the free part it has, takes nothing for a call, and leaves the
    /// switch to per-call metering to the call that finds the slice empty.
    /// </summary>
    private async Task<Acquired> AcquireLockedAsync(BudgetLeaseAccount account, long cost, long tokens, DateTimeOffset now, DateTimeOffset validUntil,
        bool refill, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue.Budgets.Leases;
        var key = account.Key;
        var budget = account.Budget;

        // Write what is pending, renew (the lease is about to expire) and return a stale slice before sizing a new one; a refill keeps
        // the free part calls are taking from meanwhile.
        await FlushLockedAsync(account, returnFree: !refill, cancellationToken).ConfigureAwait(false);

        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            if (!account.RowEnsured)
            {
                await BudgetEnforcer.EnsurePeriodRowAsync(db, budget.Id, key.Subject, key.PeriodStart, account.PeriodEnd, cancellationToken).ConfigureAwait(false);
                account.RowEnsured = true;
            }

            for (var race = 0; race < 3; race++)
            {
                var row = await db.BudgetUsage.AsNoTracking()
                    .Where(u => u.BudgetId == key.BudgetId && u.Subject == key.Subject && u.PeriodStart == key.PeriodStart)
                    .Select(u => new { Cost = u.SpentCostNanos + u.ReservedCostNanos + u.LeasedCostNanos, Tokens = u.SpentTokens + u.ReservedTokens + u.LeasedTokens })
                    .SingleAsync(cancellationToken).ConfigureAwait(false);
                long calls = options.MaxSliceCalls;
                if (budget.LimitCostNanos is { } limitCost)
                {
                    calls = Math.Min(calls, Math.Max(0, limitCost - row.Cost) / ((long)options.SliceDivisor * cost));
                }

                if (budget.LimitTokens is { } limitTokens)
                {
                    calls = Math.Min(calls, Math.Max(0, limitTokens - row.Tokens) / ((long)options.SliceDivisor * tokens));
                }

                if (calls < options.MinSliceCalls)
                {
                    if (refill)
                    {
                        return Acquired.PerCall;
                    }

                    break;
                }

                var sliceCost = calls * cost;
                var sliceTokens = calls * tokens;
                var expires = now.AddSeconds(options.TtlSeconds);
                var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    var target = db.BudgetUsage.Where(u => u.BudgetId == key.BudgetId && u.Subject == key.Subject && u.PeriodStart == key.PeriodStart);
                    if (budget.HardLimit && budget.LimitCostNanos is { } lc)
                    {
                        var room = lc - sliceCost;
                        target = target.Where(u => u.SpentCostNanos + u.ReservedCostNanos + u.LeasedCostNanos <= room);
                    }

                    if (budget.HardLimit && budget.LimitTokens is { } lt)
                    {
                        var room = lt - sliceTokens;
                        target = target.Where(u => u.SpentTokens + u.ReservedTokens + u.LeasedTokens <= room);
                    }

                    if (await target.ExecuteUpdateAsync(s => s
                            .SetProperty(u => u.LeasedCostNanos, u => u.LeasedCostNanos + sliceCost)
                            .SetProperty(u => u.LeasedTokens, u => u.LeasedTokens + sliceTokens), cancellationToken).ConfigureAwait(false) != 1)
                    {
                        await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
                        continue; // another instance took headroom since the read: size again
                    }

                    var leaseId = account.LeaseId;
                    var lost = false;
                    if (leaseId != Guid.Empty)
                    {
                        lost = await db.BudgetLeases.Where(l => l.Id == leaseId).ExecuteUpdateAsync(s => s
                            .SetProperty(l => l.CostNanos, l => l.CostNanos + sliceCost)
                            .SetProperty(l => l.Tokens, l => l.Tokens + sliceTokens)
                            .SetProperty(l => l.ExpiresAt, expires), cancellationToken).ConfigureAwait(false) == 0;
                    }

                    if (leaseId == Guid.Empty || lost)
                    {
                        leaseId = Guid.CreateVersion7();
                        db.BudgetLeases.Add(new BudgetLeaseEntity
                        {
                            Id = leaseId, BudgetId = key.BudgetId, Subject = key.Subject, PeriodStart = key.PeriodStart, Holder = Holder,
                            CostNanos = sliceCost, Tokens = sliceTokens, CreatedAt = now, ExpiresAt = expires,
                        });
                        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                        db.ChangeTracker.Clear();
                    }

                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                    account.Grant(leaseId, lost, sliceCost, sliceTokens, expires);
                }

                if (refill)
                {
                    return Acquired.Refilled;
                }

                return account.TryTake(cost, tokens, now, validUntil, out var generation) ? new Acquired.Taken(generation) : Acquired.PerCall;
            }
        }

        if (refill)
        {
            return Acquired.PerCall; // lost the race for the headroom three times: the calls ask themselves when the slice runs out
        }

        // Too little headroom for a slice: meter this period per call (what is free here goes back now) and try a slice again when idle.
        account.EnterPerCall(now.AddSeconds(options.IdleSeconds));
        await FlushLockedAsync(account, returnFree: true, cancellationToken).ConfigureAwait(false);
        return Acquired.PerCall;
    }

    private async Task FlushLockedAsync(BudgetLeaseAccount account, bool returnFree, CancellationToken cancellationToken)
    {
        var flush = account.BeginFlush(returnFree);
        if (flush.IsEmpty && flush.LeaseId == Guid.Empty)
        {
            return;
        }

        var key = account.Key;
        var expires = _time.GetUtcNow().AddSeconds(_options.CurrentValue.Budgets.Leases.TtlSeconds);
        var lost = false;
        var written = false;
        try
        {
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                        await using (tx.ConfigureAwait(false))
                        {
                            lost = false;
                            if (flush.LeaseId != Guid.Empty)
                            {
                                var id = flush.LeaseId;
                                var (releaseCost, releaseTokens) = (flush.ReleaseCost, flush.ReleaseTokens);
                                lost = (flush.DeleteRow
                                    ? await db.BudgetLeases.Where(l => l.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false)
                                    : await db.BudgetLeases.Where(l => l.Id == id).ExecuteUpdateAsync(s => s
                                        .SetProperty(l => l.CostNanos, l => l.CostNanos - releaseCost)
                                        .SetProperty(l => l.Tokens, l => l.Tokens - releaseTokens)
                                        .SetProperty(l => l.ExpiresAt, expires), cancellationToken).ConfigureAwait(false)) == 0;
                            }

                            // A lost lease was already returned whole by the reclaimer: only the spend is added.
                            var (spentCost, spentTokens) = (flush.SpentCost, flush.SpentTokens);
                            var (leasedCost, leasedTokens) = lost ? (0L, 0L) : (flush.ReleaseCost, flush.ReleaseTokens);
                            if (spentCost != 0 || spentTokens != 0 || leasedCost != 0 || leasedTokens != 0)
                            {
                                await db.BudgetUsage.Where(u => u.BudgetId == key.BudgetId && u.Subject == key.Subject && u.PeriodStart == key.PeriodStart)
                                    .ExecuteUpdateAsync(s => s
                                        .SetProperty(u => u.SpentCostNanos, u => u.SpentCostNanos + spentCost)
                                        .SetProperty(u => u.SpentTokens, u => u.SpentTokens + spentTokens)
                                        .SetProperty(u => u.LeasedCostNanos, u => u.LeasedCostNanos - leasedCost)
                                        .SetProperty(u => u.LeasedTokens, u => u.LeasedTokens - leasedTokens), cancellationToken).ConfigureAwait(false);
                            }

                            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    }
                    catch (Exception ex) when (attempt < MaxAttempts && BudgetEnforcer.IsTransient(ex))
                    {
                        LogRetry(_logger, attempt, ex.Message);
                    }
                }

                account.EndFlush(flush, lost, expires);
                written = true;
                if (lost)
                {
                    LogLost(_logger, key.BudgetId);
                }

                if (flush.SpentCost > 0 || flush.SpentTokens > 0)
                {
                    await _afterSpend(db, account, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch when (!written)
        {
            account.AbortFlush(flush);
            throw;
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Writing the budget lease of budget {BudgetId} failed; its spend stays in memory and is written at the next pass.")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, Guid budgetId);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "The budget lease of budget {BudgetId} expired and was reclaimed before this instance renewed it; the calls it admitted are recorded as spend only.")]
    private static partial void LogLost(ILogger logger, Guid budgetId);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "Refilling the budget lease of budget {BudgetId} in the background failed; the next call that finds its slice empty asks for one.")]
    private static partial void LogRefillFailed(ILogger logger, Exception exception, Guid budgetId);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Budget lease transaction attempt {Attempt} hit a transient database error; retrying: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);

    /// <summary>The outcome of asking for a slice.</summary>
    private abstract record Acquired
    {
        public static readonly Acquired PerCall = new PerCallResult();

        public static readonly Acquired Removed = new RemovedResult();

        public static readonly Acquired Refilled = new RefilledResult();

        public sealed record Taken(int Generation) : Acquired;

        private sealed record PerCallResult : Acquired;

        private sealed record RemovedResult : Acquired;

        private sealed record RefilledResult : Acquired;
    }
}
