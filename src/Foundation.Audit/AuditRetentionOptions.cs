namespace Foundation.Audit;

/// <summary>
/// Retention per action category. Purging cuts the oldest part of a tenant's chain (events are deleted only while every older event is
/// also due), writes a signed <c>seal</c> checkpoint at the cut so the rest still verifies, and never runs for a tenant under legal hold.
/// </summary>
public sealed class AuditRetentionOptions
{
    /// <summary>Days to keep events no category matches; 0 (the default) keeps them for ever.</summary>
    public int DefaultDays { get; set; }

    /// <summary>
    /// Action category to days, for example <c>auth</c> = 730 and <c>costing</c> = 90: a category matches its own name and every action
    /// below it (<c>auth</c> matches <c>auth.login.failed</c>); the longest match wins; 0 keeps for ever.
    /// </summary>
    public Dictionary<string, int> Categories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often each instance purges (default 60 minutes); purging runs only when some retention is configured.</summary>
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>Events examined per tenant and run at most (default 10,000; the next run continues).</summary>
    public int MaxEventsPerRun { get; set; } = 10_000;

    /// <summary>Whether any category or the default limits retention.</summary>
    internal bool Enabled => DefaultDays > 0 || Categories.Values.Any(d => d > 0);

    /// <summary>Days to keep <paramref name="action"/>; 0 for ever.</summary>
    internal int DaysFor(string action)
    {
        var best = -1;
        var days = DefaultDays;
        foreach (var (category, value) in Categories)
        {
            var matches = string.Equals(action, category, StringComparison.Ordinal)
                || (action.StartsWith(category, StringComparison.Ordinal) && action.Length > category.Length && action[category.Length] == '.');
            if (matches && category.Length > best)
            {
                best = category.Length;
                days = value;
            }
        }

        return days;
    }
}
