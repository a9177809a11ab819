namespace Foundation.Audit;

/// <summary>When a tenant's chain gets a signed checkpoint.</summary>
public sealed class AuditCheckpointOptions
{
    /// <summary>After this many events of a tenant since its last checkpoint (default 1,000).</summary>
    public int EveryEvents { get; set; } = 1000;

    /// <summary>Or when this many seconds have passed since the tenant's last checkpoint and it has new events (default 300).</summary>
    public int EverySeconds { get; set; } = 300;
}
