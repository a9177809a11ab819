using Foundation.Abstractions.Authorization;

namespace Foundation.Audit;

/// <summary>Options of Foundation.Audit, bound from <c>Foundation:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section: <c>Foundation:Audit</c>.</summary>
    public const string SectionName = "Foundation:Audit";

    /// <summary>
    /// The authorization policy the HTTP API requires (<c>MapFoundationAuditApi()</c>). Default <see cref="FoundationPolicies.Admin"/> (<c>foundation:role:admin</c>), which
    /// Foundation.Auth registers; a host without Foundation.Auth registers a policy of that name or names its own.
    /// </summary>
    public string AdminPolicy { get; set; } = FoundationPolicies.Admin;

    /// <summary>Events buffered in memory while waiting for the database (default 10,000). Beyond it an event is dropped and counted.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>Events appended per transaction (default 500).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The longest wait between two attempts while the database is unreachable (default 30 seconds).</summary>
    public int MaxRetryDelaySeconds { get; set; } = 30;

    /// <summary>How long a graceful shutdown may take to flush the buffer (default 30 seconds).</summary>
    public int ShutdownFlushSeconds { get; set; } = 30;

    /// <summary>The largest details JSON stored per event, in UTF-8 bytes (default 8,192); larger details are cut and marked <c>"_truncated"</c>.</summary>
    public int MaxDetailsBytes { get; set; } = 8192;

    /// <summary>When signed checkpoints are written.</summary>
    public AuditCheckpointOptions Checkpoints { get; set; } = new();

    /// <summary>The keys checkpoints (and page tokens) are signed with.</summary>
    public AuditSigningOptions Signing { get; set; } = new();

    /// <summary>How long events are kept, per action category.</summary>
    public AuditRetentionOptions Retention { get; set; } = new();

    /// <summary>Encryption of personal fields (crypto-shredding) and the GDPR API.</summary>
    public AuditPersonalDataOptions PersonalData { get; set; } = new();
}
