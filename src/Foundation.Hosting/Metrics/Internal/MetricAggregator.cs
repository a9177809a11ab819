using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Foundation.Hosting.Metrics.Internal;

/// <summary>
/// The in-memory aggregation of one instrument identity (meter name, instrument name, kind, unit). Several
/// <see cref="System.Diagnostics.Metrics.Instrument"/> objects with the same identity (for example one per
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> scope or a meter created twice) share one aggregator.
/// </summary>
internal sealed class MetricAggregator
{
    /// <summary>The OpenTelemetry default explicit bucket boundaries.</summary>
    internal static readonly double[] DefaultBoundaries = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private static readonly KeyValuePair<string, object?>[] s_overflowTags = [new("otel_metric_overflow", true)];

    private readonly ConcurrentDictionary<KeyValuePair<string, object?>[], MetricSeries> _lookup;
    private readonly ConcurrentDictionary<KeyValuePair<string, object?>[], MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _spanLookup;
    private readonly Dictionary<KeyValuePair<string, object?>[], MetricSeries> _canonical = new(TagSetComparer.Instance);
    private readonly Lock _sync = new();
    private readonly int _maxSeries;
    private readonly double[] _boundaries;
    private MetricSeries? _untagged;
    private MetricSeries? _overflow;
    private MetricSeries[] _series = new MetricSeries[4];
    private int _seriesCount;

    public MetricAggregator(
        string meterName,
        string instrumentName,
        string? unit,
        string? description,
        AggregationKind aggregation,
        PrometheusType type,
        IReadOnlyList<double>? boundaries,
        int maxSeries)
    {
        MeterName = meterName;
        InstrumentName = instrumentName;
        Unit = unit;
        Description = description;
        Aggregation = aggregation;
        Type = type;
        _maxSeries = maxSeries;
        _boundaries = aggregation == AggregationKind.Histogram ? NormaliseBoundaries(boundaries) : [];
        BucketLabels = _boundaries
            .Select(b => Encoding.UTF8.GetBytes("le=\"" + b.ToString(CultureInfo.InvariantCulture) + "\""))
            .Append("le=\"+Inf\""u8.ToArray())
            .ToArray();
        _lookup = new ConcurrentDictionary<KeyValuePair<string, object?>[], MetricSeries>(TagSetComparer.Instance);
        _spanLookup = _lookup.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    public string MeterName { get; }

    public string InstrumentName { get; }

    public string? Unit { get; }

    public string? Description { get; }

    public AggregationKind Aggregation { get; }

    public PrometheusType Type { get; }

    /// <summary>The number of live instruments feeding this aggregator; guarded by the collector.</summary>
    public int InstrumentCount { get; set; }

    /// <summary>The explicit bucket upper bounds (histograms only), ascending, without +Inf.</summary>
    public ReadOnlySpan<double> Boundaries => _boundaries;

    /// <summary><c>le="..."</c> per bucket, the last one <c>le="+Inf"</c>.</summary>
    public byte[][] BucketLabels { get; }

    /// <summary>The series recorded so far, in creation order (a snapshot safe to read while recording continues).</summary>
    public ReadOnlySpan<MetricSeries> Series
    {
        get
        {
            var count = Volatile.Read(ref _seriesCount);
            return Volatile.Read(ref _series).AsSpan(0, count);
        }
    }

    /// <summary>Records one measurement. Allocation-free once the tag set has been seen.</summary>
    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = tags.IsEmpty ? _untagged ?? GetOrAddSlow(tags) : FindSeries(tags);
        switch (Aggregation)
        {
            case AggregationKind.Sum:
                if (Type == PrometheusType.Counter && !(value >= 0))
                {
                    return; // a monotonic counter ignores negative and NaN increments, as OpenTelemetry does
                }

                series.Add(value);
                break;
            case AggregationKind.LastValue:
                series.Set(value);
                break;
            default:
                if (double.IsNaN(value))
                {
                    return;
                }

                series.Observe(FindBucket(value), value);
                break;
        }
    }

    private MetricSeries FindSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _spanLookup.TryGetValue(tags, out var series) ? series : GetOrAddSlow(tags);

    private int FindBucket(double value)
    {
        var bounds = _boundaries;
        if (bounds.Length <= 16)
        {
            for (var i = 0; i < bounds.Length; i++)
            {
                if (value <= bounds[i])
                {
                    return i;
                }
            }

            return bounds.Length;
        }

        var index = Array.BinarySearch(bounds, value);
        return index >= 0 ? index : ~index;
    }

    private MetricSeries GetOrAddSlow(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_sync)
        {
            if (tags.IsEmpty)
            {
                return _untagged ??= AddSeries([]);
            }

            if (_spanLookup.TryGetValue(tags, out var existing))
            {
                return existing;
            }

            var given = tags.ToArray();
            var canonical = (KeyValuePair<string, object?>[])given.Clone();
            Array.Sort(canonical, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            if (!_canonical.TryGetValue(canonical, out var series))
            {
                if (_seriesCount >= _maxSeries)
                {
                    // Cardinality limit reached: new tag sets go to one overflow series (not remembered, so the lookup stays bounded).
                    return _overflow ??= AddSeries(s_overflowTags);
                }

                series = AddSeries(canonical);
                _canonical.Add(canonical, series);
            }

            _lookup.TryAdd(given, series);
            return series;
        }
    }

    private MetricSeries AddSeries(KeyValuePair<string, object?>[] canonicalTags)
    {
        var series = new MetricSeries(canonicalTags, Aggregation == AggregationKind.Histogram ? _boundaries.Length + 1 : 0);
        var items = _series;
        if (_seriesCount == items.Length)
        {
            var grown = new MetricSeries[items.Length * 2];
            items.CopyTo(grown, 0);
            Volatile.Write(ref _series, grown);
            items = grown;
        }

        items[_seriesCount] = series;
        Volatile.Write(ref _seriesCount, _seriesCount + 1);
        return series;
    }

    private static double[] NormaliseBoundaries(IReadOnlyList<double>? boundaries)
    {
        if (boundaries is null || boundaries.Count == 0)
        {
            return DefaultBoundaries;
        }

        var result = boundaries.Where(double.IsFinite).Distinct().Order().ToArray();
        return result.Length == 0 ? DefaultBoundaries : result;
    }
}
