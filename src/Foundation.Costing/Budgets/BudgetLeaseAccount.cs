using Foundation.Costing.Storage;

namespace Foundation.Costing.Budgets;

/// <summary>One budget period row (budget, subject, period start): what an instance leases headroom on.</summary>
internal readonly record struct LeaseKey(Guid BudgetId, string Subject, DateTimeOffset PeriodStart);

/// <summary>What one call took from one account's slice: given back or settled exactly once.</summary>
internal readonly record struct LeaseTake(BudgetLeaseAccount Account, int Generation, long Cost, long Tokens);

/// <summary>What a flush writes, taken from an account under its lock.</summary>
internal readonly record struct LeaseFlush(
    Guid LeaseId, int Generation, long SpentCost, long SpentTokens, long ReleaseCost, long ReleaseTokens, long ReturnedFreeCost, long ReturnedFreeTokens, bool DeleteRow)
{
    public bool IsEmpty => SpentCost == 0 && SpentTokens == 0 && ReleaseCost == 0 && ReleaseTokens == 0;
}

/// <summary>
/// This instance's state for one budget period: the slice it holds (granted = free + reserved by calls in flight + released by settled calls
/// not yet written) and the spend its settled calls have not written yet. Admission and settlement are a few arithmetic operations under a
/// lock, without allocating; the database work (taking a slice, writing spend, renewing, returning) runs under <see cref="Gate"/>, one at
/// a time per account.
/// </summary>
internal sealed class BudgetLeaseAccount
{
    private readonly Lock _lock = new();

    private long _grantedCost;
    private long _grantedTokens;
    private long _freeCost;
    private long _freeTokens;
    private long _pendingSpentCost;
    private long _pendingSpentTokens;
    private long _pendingReleaseCost;
    private long _pendingReleaseTokens;
    private int _inFlight;
    private int _generation;
    private Guid _leaseId;
    private DateTimeOffset _expiresAt;
    private DateTimeOffset _lastUsed;
    private DateTimeOffset _perCallUntil;
    private bool _perCall;
    private bool _stale;
    private bool _removed;
    private bool _refilling;

    public BudgetLeaseAccount(LeaseKey key, BudgetEntity budget, DateTimeOffset periodEnd, DateTimeOffset now)
    {
        Key = key;
        Budget = budget;
        PeriodEnd = periodEnd;
        _lastUsed = now;
    }

    public LeaseKey Key { get; }

    /// <summary>The latest definition seen (limits may change).</summary>
    public BudgetEntity Budget { get; set; }

    public DateTimeOffset PeriodEnd { get; }

    /// <summary>Serialises this account's database work.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Whether the period row was inserted (once per account).</summary>
    public bool RowEnsured { get; set; }

    public Guid LeaseId
    {
        get
        {
            lock (_lock)
            {
                return _leaseId;
            }
        }
    }

    /// <summary>Whether the period is metered per call in the database (the budget is near its limit): settlements are written through.</summary>
    public bool PerCall
    {
        get
        {
            lock (_lock)
            {
                return _perCall;
            }
        }
    }

    public bool Removed
    {
        get
        {
            lock (_lock)
            {
                return _removed;
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="cost"/> and <paramref name="tokens"/> from the free part of the slice, when the lease is valid until at least
    /// <paramref name="validUntil"/> and nothing asked for it to be returned.
    /// </summary>
    public bool TryTake(long cost, long tokens, DateTimeOffset now, DateTimeOffset validUntil, out int generation) =>
        TryTake(cost, tokens, now, validUntil, refillBelowPercent: 0, out generation, out _);

    /// <summary>
    /// Takes as <see cref="TryTake(long, long, DateTimeOffset, DateTimeOffset, out int)"/> does and, under the same lock, checks whether what
    /// is left free fell below <paramref name="refillBelowPercent"/> percent of what is granted (cost or tokens) while no refill runs:
    /// <paramref name="startRefill"/> then makes the caller the one that refills (it calls <see cref="EndRefill"/> when done). One lock
    /// per call on the hot path.
    /// </summary>
    public bool TryTake(long cost, long tokens, DateTimeOffset now, DateTimeOffset validUntil, int refillBelowPercent, out int generation, out bool startRefill)
    {
        lock (_lock)
        {
            generation = _generation;
            startRefill = false;
            if (_leaseId == Guid.Empty || _stale || _removed || _perCall || _expiresAt <= validUntil || _freeCost < cost || _freeTokens < tokens)
            {
                return false;
            }

            _freeCost -= cost;
            _freeTokens -= tokens;
            _inFlight++;
            _lastUsed = now;
            if (refillBelowPercent > 0 && !_refilling && IsLowLocked(refillBelowPercent))
            {
                _refilling = startRefill = true;
            }

            return true;
        }
    }

    /// <summary>The refill a take started (<c>startRefill</c>) has ended (taken, skipped or failed).</summary>
    public void EndRefill()
    {
        lock (_lock)
        {
            _refilling = false;
        }
    }

    /// <summary>Returns a take whose call never ran (another budget refused it).</summary>
    public void GiveBack(in LeaseTake take)
    {
        lock (_lock)
        {
            _inFlight--;
            if (take.Generation == _generation)
            {
                _freeCost += take.Cost;
                _freeTokens += take.Tokens;
            }
        }
    }

    /// <summary>
    /// Settles a take: the real spend is added to what the next flush writes; the unused part of the take goes back to the free part of the
    /// slice. A call that cost more than its take uses free headroom for the excess, as far as there is some. A take of a lease that was
    /// lost (reclaimed) only adds its spend.
    /// </summary>
    /// <returns>Whether the period is metered per call, so the caller writes the settlement through now.</returns>
    public bool Settle(in LeaseTake take, long spentCost, long spentTokens, DateTimeOffset now)
    {
        lock (_lock)
        {
            _inFlight--;
            _pendingSpentCost += spentCost;
            _pendingSpentTokens += spentTokens;
            _lastUsed = now;
            if (take.Generation == _generation)
            {
                var availableCost = _freeCost + take.Cost;
                var usedCost = Math.Min(spentCost, availableCost);
                _freeCost = availableCost - usedCost;
                _pendingReleaseCost += usedCost;
                var availableTokens = _freeTokens + take.Tokens;
                var usedTokens = Math.Min(spentTokens, availableTokens);
                _freeTokens = availableTokens - usedTokens;
                _pendingReleaseTokens += usedTokens;
            }

            return _perCall;
        }
    }

    /// <summary>Records a slice granted by the database (the lease row <paramref name="leaseId"/>, valid until <paramref name="expiresAt"/>).</summary>
    public void Grant(Guid leaseId, bool lostPrevious, long cost, long tokens, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            if (lostPrevious)
            {
                LoseLocked();
            }

            _leaseId = leaseId;
            _grantedCost += cost;
            _grantedTokens += tokens;
            _freeCost += cost;
            _freeTokens += tokens;
            _expiresAt = expiresAt;
        }
    }

    /// <summary>Takes what the next flush writes; with <paramref name="returnFree"/> the free part of the slice is returned too.</summary>
    public LeaseFlush BeginFlush(bool returnFree)
    {
        lock (_lock)
        {
            var freeCost = returnFree ? _freeCost : 0;
            var freeTokens = returnFree ? _freeTokens : 0;
            var releaseCost = _pendingReleaseCost + freeCost;
            var releaseTokens = _pendingReleaseTokens + freeTokens;
            var flush = new LeaseFlush(_leaseId, _generation, _pendingSpentCost, _pendingSpentTokens, releaseCost, releaseTokens, freeCost, freeTokens,
                DeleteRow: _leaseId != Guid.Empty && _grantedCost - releaseCost <= 0 && _grantedTokens - releaseTokens <= 0 && _inFlight == 0);
            _pendingSpentCost = _pendingSpentTokens = _pendingReleaseCost = _pendingReleaseTokens = 0;
            _freeCost -= freeCost;
            _freeTokens -= freeTokens;
            if (returnFree)
            {
                _stale = false;
            }

            return flush;
        }
    }

    /// <summary>The flush was written. <paramref name="lost"/>: the lease row was gone (reclaimed), so the slice is no longer ours.</summary>
    public void EndFlush(in LeaseFlush flush, bool lost, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            if (flush.Generation != _generation)
            {
                return;
            }

            if (lost)
            {
                LoseLocked();
                return;
            }

            _grantedCost -= flush.ReleaseCost;
            _grantedTokens -= flush.ReleaseTokens;
            if (flush.DeleteRow)
            {
                _leaseId = Guid.Empty;
                _grantedCost = _grantedTokens = 0;
            }
            else if (flush.LeaseId != Guid.Empty)
            {
                _expiresAt = expiresAt;
            }
        }
    }

    /// <summary>The flush failed: what it took is written by the next one.</summary>
    public void AbortFlush(in LeaseFlush flush)
    {
        lock (_lock)
        {
            _pendingSpentCost += flush.SpentCost;
            _pendingSpentTokens += flush.SpentTokens;
            if (flush.Generation == _generation)
            {
                _pendingReleaseCost += flush.ReleaseCost - flush.ReturnedFreeCost;
                _pendingReleaseTokens += flush.ReleaseTokens - flush.ReturnedFreeTokens;
                _freeCost += flush.ReturnedFreeCost;
                _freeTokens += flush.ReturnedFreeTokens;
            }
        }
    }

    /// <summary>The database has too little headroom for a slice: meter per call until <paramref name="until"/>.</summary>
    public void EnterPerCall(DateTimeOffset until)
    {
        lock (_lock)
        {
            _perCall = true;
            _perCallUntil = until;
        }
    }

    /// <summary>Whether per-call metering is still in force; it ends (a slice may be tried again) once its time is over.</summary>
    public bool StillPerCall(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_perCall && now >= _perCallUntil)
            {
                _perCall = false;
            }

            return _perCall;
        }
    }

    /// <summary>The budget changed: the free part is returned at the next opportunity and a new slice is sized with the new limit.</summary>
    public void MarkStale()
    {
        lock (_lock)
        {
            _stale = true;
        }
    }

    /// <summary>What the background pass should do with this account.</summary>
    public (bool Flush, bool ReturnFree, bool Removable) Inspect(DateTimeOffset now, TimeSpan idle, TimeSpan renewWithin, bool returnAll)
    {
        lock (_lock)
        {
            var hasLease = _leaseId != Guid.Empty;
            var pending = _pendingSpentCost != 0 || _pendingSpentTokens != 0 || _pendingReleaseCost != 0 || _pendingReleaseTokens != 0;
            var idleNow = now - _lastUsed >= idle || now >= PeriodEnd;
            var returnFree = hasLease && (returnAll || _stale || idleNow) && (_freeCost != 0 || _freeTokens != 0 || _inFlight == 0);
            var renew = hasLease && _expiresAt - now <= renewWithin;
            var removable = !hasLease && !pending && _inFlight == 0 && idleNow;
            return (pending || returnFree || renew, returnFree, removable);
        }
    }

    /// <summary>Marks an idle, empty account removed (under <see cref="Gate"/>), so a call that still found it asks for a fresh one.</summary>
    public bool TryRemove()
    {
        lock (_lock)
        {
            if (_leaseId != Guid.Empty || _inFlight != 0 || _pendingSpentCost != 0 || _pendingSpentTokens != 0)
            {
                return false;
            }

            _removed = true;
            return true;
        }
    }

    /// <summary>For the view and tests: free, granted and unwritten spend.</summary>
    public (long FreeCost, long GrantedCost, long PendingSpentCost, int InFlight) Snapshot()
    {
        lock (_lock)
        {
            return (_freeCost, _grantedCost, _pendingSpentCost, _inFlight);
        }
    }

    /// <summary>Free below <paramref name="belowPercent"/> percent of granted, cost or tokens.</summary>
    private bool IsLowLocked(int belowPercent) =>
        // In 128 bits: a limit of nano-dollars times a percentage can pass long's range.
        (_grantedCost > 0 && (Int128)_freeCost * 100 < (Int128)_grantedCost * belowPercent)
        || (_grantedTokens > 0 && (Int128)_freeTokens * 100 < (Int128)_grantedTokens * belowPercent);

    /// <summary>The lease is no longer ours: takes in flight settle as spend only.</summary>
    private void LoseLocked()
    {
        _generation++;
        _leaseId = Guid.Empty;
        _grantedCost = _grantedTokens = 0;
        _freeCost = _freeTokens = 0;
        _pendingReleaseCost = _pendingReleaseTokens = 0;
    }
}
