namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// The live state of one deployment, shared by every alias entry with the same name: requests in flight, the latency EWMA,
/// consecutive failures and cooldown, and the RPM/TPM windows. All fields are updated with Interlocked/Volatile; no locks on the hot path.
/// </summary>
internal sealed class DeploymentState
{
    private int _inFlight;
    private long _ewmaMicros;
    private int _consecutiveFailures;
    private long _cooldownUntil = long.MinValue;
    private (AliasGroup Group, int Index)[] _groups = [];

    public DeploymentState(string name)
    {
        Name = name;
        Requests = new UsageWindow(this);
        Tokens = new UsageWindow(this);
    }

    /// <summary>The deployment's name (metrics label).</summary>
    public string Name { get; }

    /// <summary>Requests per second bucket over the last minute.</summary>
    public UsageWindow Requests { get; }

    /// <summary>Tokens (input + output) per second bucket over the last minute.</summary>
    public UsageWindow Tokens { get; }

    /// <summary>Requests currently in flight.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The exponentially weighted latency in microseconds (time to first update for streams); 0 before the first sample.</summary>
    public long LatencyMicros => Volatile.Read(ref _ewmaMicros);

    /// <summary>The timestamp (<see cref="TimeProvider.GetTimestamp"/>) until which the deployment is cooling down.</summary>
    public long CooldownUntil => Volatile.Read(ref _cooldownUntil);

    /// <summary>Consecutive failures since the last success or cooldown.</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Folds a latency sample into the EWMA (alpha 0.3) with a compare-and-swap loop.</summary>
    public void RecordLatency(long micros)
    {
        if (micros <= 0)
        {
            micros = 1;
        }

        while (true)
        {
            var old = Volatile.Read(ref _ewmaMicros);
            var updated = old == 0 ? micros : old + ((micros - old) * 3 / 10);
            if (updated <= 0)
            {
                updated = 1;
            }

            if (Interlocked.CompareExchange(ref _ewmaMicros, updated, old) == old)
            {
                var groups = _groups;
                for (var i = 0; i < groups.Length; i++)
                {
                    groups[i].Group.OnLatencyChanged(groups[i].Index, old, updated);
                }

                return;
            }
        }
    }

    /// <summary>Registers an alias entry that caches a winner from this state (at start, before any request).</summary>
    public void Join(AliasGroup group, int index)
    {
        _groups = [.. _groups, (group, index)];
    }

    /// <summary>Tells the alias entries caching a winner that usage was recorded in <paramref name="second"/>.</summary>
    public void OnUsageRecorded(long second)
    {
        var groups = _groups;
        for (var i = 0; i < groups.Length; i++)
        {
            groups[i].Group.OnUsageRecorded(groups[i].Index, second);
        }
    }

    public void RecordSuccess()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Interlocked.Exchange(ref _consecutiveFailures, 0);
        }
    }

    /// <summary>Counts a failure; returns <see langword="true"/> when it starts a cooldown.</summary>
    public bool RecordFailure(int threshold, long now, long cooldownTicks)
    {
        var failures = Interlocked.Increment(ref _consecutiveFailures);
        if (failures < threshold)
        {
            return false;
        }

        Interlocked.Exchange(ref _consecutiveFailures, 0);
        Volatile.Write(ref _cooldownUntil, now + cooldownTicks);
        return true;
    }
}
