namespace Foundation.Costing.Budgets;

/// <summary>Computes the current period of a budget: calendar periods in a time zone, rolling windows in whole UTC hours.</summary>
public static class BudgetPeriods
{
    /// <summary>
    /// The period containing <paramref name="now"/>: for <see cref="BudgetPeriod.Day"/>, <see cref="BudgetPeriod.Week"/> (Monday first) and
    /// <see cref="BudgetPeriod.Month"/> the calendar period in <paramref name="zone"/>, returned in UTC; for <see cref="BudgetPeriod.Rolling"/>
    /// the current UTC hour (the bucket new spend goes to; the window is the last <c>rollingHours</c> buckets).
    /// </summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Current(BudgetPeriod period, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (period == BudgetPeriod.Rolling)
        {
            var hour = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
            return (hour, hour.AddHours(1));
        }

        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
        var (startLocal, endLocal) = period switch
        {
            BudgetPeriod.Day => (local, local.AddDays(1)),
            BudgetPeriod.Week => WeekOf(local),
            BudgetPeriod.Month => (new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified), new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1)),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period."),
        };
        return (ToUtc(startLocal, zone), ToUtc(endLocal, zone));
    }

    /// <summary>The first hour bucket still inside a rolling window of <paramref name="hours"/> hours ending in the bucket of <paramref name="now"/>.</summary>
    public static DateTimeOffset RollingWindowStart(DateTimeOffset now, int hours) =>
        Current(BudgetPeriod.Rolling, now, TimeZoneInfo.Utc).Start.AddHours(-(hours - 1));

    private static (DateTime, DateTime) WeekOf(DateTime date)
    {
        var offset = ((int)date.DayOfWeek + 6) % 7; // Monday = 0
        var monday = date.AddDays(-offset);
        return (monday, monday.AddDays(7));
    }

    /// <summary>Local midnight to UTC; a midnight skipped by a DST change moves to the first valid instant after it.</summary>
    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }
}
