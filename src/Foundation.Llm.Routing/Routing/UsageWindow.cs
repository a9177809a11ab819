namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// A sliding one-minute sum over 60 per-second buckets (a fixed ring buffer) with a running total, so a read is two volatile
/// loads. Recording is lock-free; rotating to a new second takes a lock at most once per second. Under heavy concurrency the
/// sum is approximate by the few records racing a rotation, never drifting.
/// </summary>
internal sealed class UsageWindow
{
    private const int Buckets = 60;
    private readonly long[] _buckets = new long[Buckets];
    private readonly Lock _rotateLock = new();
    private long _total;
    private readonly DeploymentState? _owner;
    private long _currentSecond = long.MinValue;

    /// <summary>A window whose records are reported to <paramref name="owner"/> (which tells the aliases caching a winner).</summary>
    public UsageWindow(DeploymentState? owner = null) => _owner = owner;

    /// <summary>Adds <paramref name="amount"/> in second <paramref name="second"/>.</summary>
    public void Add(long second, long amount)
    {
        Advance(second);
        Interlocked.Add(ref _buckets[(int)(second % Buckets)], amount);
        Interlocked.Add(ref _total, amount);
        _owner?.OnUsageRecorded(second);
    }

    /// <summary>The sum over the 60 seconds ending at <paramref name="second"/>.</summary>
    public long Sum(long second)
    {
        Advance(second);
        var total = Volatile.Read(ref _total);
        return total < 0 ? 0 : total;
    }

    private void Advance(long second)
    {
        if (Volatile.Read(ref _currentSecond) >= second)
        {
            return;
        }

        lock (_rotateLock)
        {
            var current = _currentSecond;
            if (current >= second)
            {
                return;
            }

            if (current == long.MinValue || second - current >= Buckets)
            {
                for (var i = 0; i < Buckets; i++)
                {
                    Interlocked.Add(ref _total, -Interlocked.Exchange(ref _buckets[i], 0));
                }
            }
            else
            {
                for (var s = current + 1; s <= second; s++)
                {
                    Interlocked.Add(ref _total, -Interlocked.Exchange(ref _buckets[(int)(s % Buckets)], 0));
                }
            }

            Volatile.Write(ref _currentSecond, second);
        }
    }
}
