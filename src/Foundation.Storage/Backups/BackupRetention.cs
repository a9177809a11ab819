using System.Globalization;

namespace Foundation.Storage.Backups;

/// <summary>Grandfather-father-son retention: which backups to keep.</summary>
public static class BackupRetention
{
    /// <summary>
    /// The backups to keep: the newest one always, and the newest one of each of the last <c>Hourly</c> hours, <c>Daily</c> days,
    /// <c>Weekly</c> ISO weeks and <c>Monthly</c> months (UTC) that have a backup. The rest may be deleted.
    /// </summary>
    public static IReadOnlySet<string> Keep(IEnumerable<BackupManifest> backups, BackupRetentionOptions retention)
    {
        ArgumentNullException.ThrowIfNull(backups);
        ArgumentNullException.ThrowIfNull(retention);
        var newestFirst = backups.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id, StringComparer.Ordinal).ToList();
        var keep = new HashSet<string>(StringComparer.Ordinal);
        if (newestFirst.Count > 0)
        {
            keep.Add(newestFirst[0].Id);
        }

        Level(newestFirst, retention.Hourly, t => t.ToString("yyyy-MM-dd HH", CultureInfo.InvariantCulture), keep);
        Level(newestFirst, retention.Daily, t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), keep);
        Level(newestFirst, retention.Weekly, t => $"{ISOWeek.GetYear(t.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(t.UtcDateTime)}", keep);
        Level(newestFirst, retention.Monthly, t => t.ToString("yyyy-MM", CultureInfo.InvariantCulture), keep);
        return keep;
    }

    private static void Level(List<BackupManifest> newestFirst, int count, Func<DateTimeOffset, string> bucket, HashSet<string> keep)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var backup in newestFirst)
        {
            if (seen.Count >= count)
            {
                return;
            }

            // The first (newest) backup seen in a bucket is the one that bucket keeps.
            if (seen.Add(bucket(backup.CreatedAt.ToUniversalTime())))
            {
                keep.Add(backup.Id);
            }
        }
    }
}
