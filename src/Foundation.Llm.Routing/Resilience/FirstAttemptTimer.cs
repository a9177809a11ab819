namespace Foundation.Llm.Routing.Resilience;

/// <summary>
/// The one timer of a request's first attempt: a <see cref="CancellationTokenSource"/> cancelled after the earlier of the attempt
/// timeout and the deadline. On the system clock the sources are reused (one cached per thread, reset with
/// <see cref="CancellationTokenSource.TryReset"/>) and the timer is armed only once the attempt actually waits (<see cref="Arm"/>,
/// for what is left of the limit): an attempt that completes synchronously, such as an in-memory client's, arms no timer.
/// </summary>
internal sealed class FirstAttemptTimer
{
    [ThreadStatic]
    private static CancellationTokenSource? t_cached;

    private readonly TimeProvider _time;
    private readonly bool _system;

    public FirstAttemptTimer(TimeProvider time, LlmResilienceOptions options)
    {
        _time = time;
        _system = ReferenceEquals(time, TimeProvider.System);
        DeadlineFirst = options.Deadline <= options.AttemptTimeout;
        Timeout = DeadlineFirst ? options.Deadline : options.AttemptTimeout;
    }

    /// <summary>Whether the deadline ends the first attempt before (or with) the attempt timeout.</summary>
    public bool DeadlineFirst { get; }

    /// <summary>The first attempt's time limit.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>A source for the first attempt; on the system clock not armed yet (see <see cref="Arm"/>).</summary>
    public CancellationTokenSource Start()
    {
        if (!_system)
        {
            return new CancellationTokenSource(Timeout, _time);
        }

        var source = t_cached ?? new CancellationTokenSource();
        t_cached = null;
        return source;
    }

    /// <summary>Arms the timer of a source from <see cref="Start"/> whose attempt began at <paramref name="started"/> and is now waiting.</summary>
    public void Arm(CancellationTokenSource source, long started)
    {
        if (!_system)
        {
            return;
        }

        var left = Timeout - _time.GetElapsedTime(started);
        if (left > TimeSpan.Zero)
        {
            source.CancelAfter(left);
        }
        else
        {
            source.Cancel();
        }
    }

    /// <summary>Disarms <paramref name="source"/> and keeps it for the next request when it was not cancelled.</summary>
    public void Stop(CancellationTokenSource source)
    {
        if (_system && t_cached is null && source.TryReset())
        {
            t_cached = source;
            return;
        }

        source.Dispose();
    }
}
