namespace Foundation.Costing.Internal;

/// <summary>
/// USD amounts in the database are whole nano-dollars (1e-9 USD) in 64-bit integers: both engines add and compare them exactly, and the
/// range (+-9.2 billion USD) is far beyond any budget. Per-call costs are rounded half away from zero; reservations are rounded up.
/// </summary>
internal static class Money
{
    public const decimal NanosPerUsd = 1_000_000_000m;

    public static long ToNanos(decimal usd) => (long)decimal.Round(usd * NanosPerUsd, 0, MidpointRounding.AwayFromZero);

    public static long ToNanosCeiling(decimal usd) => (long)decimal.Ceiling(usd * NanosPerUsd);

    public static decimal FromNanos(long nanos) => nanos / NanosPerUsd;

    public static decimal? FromNanos(long? nanos) => nanos is { } n ? n / NanosPerUsd : null;
}
