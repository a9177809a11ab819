namespace Foundation.Costing.Metering;

/// <summary>
/// Receives every <see cref="UsageRecord"/>. Must not block: the ledger's implementation queues the record in a bounded channel that a
/// background service writes in batches. Without a store, records only feed the metrics.
/// </summary>
public interface IUsageRecordSink
{
    /// <summary>Takes <paramref name="record"/>; returns <see langword="false"/> when it had to drop it (counted in metrics).</summary>
    bool TryRecord(UsageRecord record);
}
