namespace Foundation.Costing.Metering;

/// <summary>The sink without a store: records are dropped silently (the metrics still count cost and tokens).</summary>
internal sealed class NullUsageRecordSink : IUsageRecordSink
{
    public bool TryRecord(UsageRecord record) => true;
}
