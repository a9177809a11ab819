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

/// <summary>
/// Personal fields of new events (the acting user's id, client IP, user agent, details) are encrypted with a data key per person and
/// tenant (AES-256-GCM; the key protected by the host's <c>ISecretProtector</c>). Erasing the person destroys the key: the fields become
/// unreadable while the chain, which hashes the ciphertext, still verifies.
/// </summary>
public sealed class AuditPersonalDataOptions
{
    /// <summary>
    /// <see langword="null"/> (the default): encrypt when an <c>ISecretProtector</c> is registered (Foundation.Hosting always registers one);
    /// <see langword="true"/>: encrypt, and fail the start when no protector is registered; <see langword="false"/>: store personal fields in
    /// clear (erasure then cannot make them unreadable).
    /// </summary>
    public bool? EncryptFields { get; set; }
}

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

/// <summary>When a tenant's chain gets a signed checkpoint.</summary>
public sealed class AuditCheckpointOptions
{
    /// <summary>After this many events of a tenant since its last checkpoint (default 1,000).</summary>
    public int EveryEvents { get; set; } = 1000;

    /// <summary>Or when this many seconds have passed since the tenant's last checkpoint and it has new events (default 300).</summary>
    public int EverySeconds { get; set; } = 300;
}

/// <summary>
/// HMAC-SHA256 checkpoint keys. Either configure them here (<c>Keys</c>: key id to base64 key of at least 32 bytes, and
/// <c>ActiveKeyId</c>), or leave <c>Keys</c> empty and register an <c>ISecretProtector</c>: the package then generates a key,
/// stores it protected in <c>audit_signing_keys</c> and rotates it with <c>AuditSigningKeyRing.RotateAsync</c>.
/// </summary>
public sealed class AuditSigningOptions
{
    /// <summary>Key id to base64-encoded key (32 bytes or more). Keep retired keys here so older checkpoints still verify.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The key that signs new checkpoints; required when <see cref="Keys"/> has more than one key.</summary>
    public string? ActiveKeyId { get; set; }
}
