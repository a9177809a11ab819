using System.Text;

namespace Foundation.Hosting.Metrics.Internal;

/// <summary>The aggregated state of one tag set of one instrument. Updated lock-free by recording threads.</summary>
internal sealed class MetricSeries
{
    private double _value;
    private double _sum;
    private readonly long[]? _bucketCounts;
    private byte[]? _labels;

    public MetricSeries(KeyValuePair<string, object?>[] canonicalTags, int bucketCount)
    {
        Tags = canonicalTags;
        _bucketCounts = bucketCount > 0 ? new long[bucketCount] : null;
    }

    /// <summary>The tags, sorted by key.</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    /// <summary>The sum (counters) or the last value (gauges).</summary>
    public double Value => Volatile.Read(ref _value);

    /// <summary>The histogram's sum of observations.</summary>
    public double Sum => Volatile.Read(ref _sum);

    /// <summary>Adds to the running sum.</summary>
    public void Add(double value) => AddDouble(ref _value, value);

    /// <summary>Replaces the value.</summary>
    public void Set(double value) => Volatile.Write(ref _value, value);

    /// <summary>Counts an observation in bucket <paramref name="bucket"/> and adds it to the sum.</summary>
    public void Observe(int bucket, double value)
    {
        Interlocked.Increment(ref _bucketCounts![bucket]);
        AddDouble(ref _sum, value);
    }

    /// <summary>The (non-cumulative) count of bucket <paramref name="bucket"/>.</summary>
    public long BucketCount(int bucket) => Volatile.Read(ref _bucketCounts![bucket]);

    /// <summary>
    /// The series' labels as UTF-8 <c>name="value",...</c> without braces, rendered on first use. Only the exposition
    /// (serialised by the collector's scrape lock) calls this.
    /// </summary>
    public byte[] GetRenderedLabels() => _labels ??= RenderLabels(Tags);

    internal static byte[] RenderLabels(KeyValuePair<string, object?>[] tags)
    {
        if (tags.Length == 0)
        {
            return [];
        }

        // Sanitised names can collide (a.b and a_b): the values are joined with ';' as OpenTelemetry specifies.
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            var name = PrometheusNaming.SanitizeLabelName(tag.Key);
            var value = PrometheusNaming.FormatTagValue(tag.Value);
            labels[name] = labels.TryGetValue(name, out var existing) ? existing + ";" + value : value;
        }

        var builder = new StringBuilder();
        foreach (var (name, value) in labels)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(name).Append("=\"").Append(PrometheusNaming.EscapeLabelValue(value)).Append('"');
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void AddDouble(ref double location, double value)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var observed = Interlocked.CompareExchange(ref location, current + value, current);
            if (BitConverter.DoubleToInt64Bits(observed) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = observed;
        }
    }
}
