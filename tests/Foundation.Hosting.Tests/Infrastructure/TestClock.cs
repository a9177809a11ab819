namespace Foundation.Hosting.Tests.Infrastructure;

/// <summary>The tests' clocks: a <see cref="FakeTimeProvider"/> that starts at the real time, so codes and tokens look ordinary.</summary>
public static class TestClock
{
    /// <summary>A clock the test moves, at the real time now; its timers fire only when it is advanced.</summary>
    public static FakeTimeProvider Create() => new(TimeProvider.System.GetUtcNow());
}
