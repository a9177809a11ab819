namespace Foundation.Storage.Backups;

/// <summary>
/// How many backups to keep: the newest backup of each of the last <see cref="Hourly"/> hours, <see cref="Daily"/> days,
/// <see cref="Weekly"/> ISO weeks and <see cref="Monthly"/> months that have a backup (UTC); everything else is deleted. 0 turns a level off.
/// </summary>
public sealed class BackupRetentionOptions
{
    /// <summary>Hours kept (default 24).</summary>
    public int Hourly { get; set; } = 24;

    /// <summary>Days kept (default 30).</summary>
    public int Daily { get; set; } = 30;

    /// <summary>ISO weeks kept (default 12).</summary>
    public int Weekly { get; set; } = 12;

    /// <summary>Months kept (default 12).</summary>
    public int Monthly { get; set; } = 12;
}
