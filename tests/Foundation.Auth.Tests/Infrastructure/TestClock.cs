namespace Foundation.Auth.Tests;

/// <summary>Where the tests' <see cref="FakeTimeProvider"/> clocks start (the dates the home-made clocks used before).</summary>
public static class TestClock
{
    /// <summary>The start of the services' and database tests' clocks.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The start of the token tests' clocks.</summary>
    public static readonly DateTimeOffset TokensStart = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A clock the test moves, at <see cref="Start"/>.</summary>
    public static FakeTimeProvider Create() => new(Start);

    /// <summary>A clock the test moves, at <see cref="TokensStart"/>.</summary>
    public static FakeTimeProvider CreateForTokens() => new(TokensStart);
}
