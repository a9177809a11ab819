using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foundation.Hosting.Metrics.Internal;

/// <summary>
/// Listens to <see cref="Meter"/> instruments with a <see cref="MeterListener"/>, aggregates their measurements in memory
/// and writes them in the Prometheus text exposition format 0.0.4.
/// </summary>
internal sealed partial class PrometheusMetricsCollector : IDisposable
{
    /// <summary>Series kept per instrument before new tag sets go to the <c>otel_metric_overflow="true"</c> series.</summary>
    internal const int DefaultMaxSeriesPerInstrument = 2000;

    private static readonly string[] s_defaultExactMeters = ["Foundation", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];
    private static readonly string[] s_defaultPrefixes = ["Foundation."];

    private readonly MeterListener _listener;
    private readonly Func<Meter, bool> _meterFilter;
    private readonly ILogger _logger;
    private readonly int _maxSeries;
    private readonly Lock _sync = new();
    private readonly Lock _scrapeLock = new();
    private readonly Dictionary<(string Meter, string Instrument, AggregationKind Aggregation, PrometheusType Type, string Unit), MetricAggregator> _aggregators = [];
    private int _version;
    private int _planVersion = -1;
    private FamilyPlan[] _plan = [];
    private bool _disposed;

    /// <summary>Creates a collector for the default meters plus <see cref="MetricsOptions.Meters"/>.</summary>
    /// <param name="options">The metrics options.</param>
    /// <param name="meterFactory">The application's meter factory: meters created by another factory (another host in the same process) are ignored.</param>
    /// <param name="logger">Where failing observable callbacks are reported.</param>
    public PrometheusMetricsCollector(MetricsOptions options, IMeterFactory? meterFactory, ILogger<PrometheusMetricsCollector>? logger)
        : this(CreateMeterFilter(options.Meters, meterFactory), logger, DefaultMaxSeriesPerInstrument)
    {
    }

    /// <summary>Creates a collector for the meters <paramref name="meterFilter"/> accepts.</summary>
    internal PrometheusMetricsCollector(Func<Meter, bool> meterFilter, ILogger? logger = null, int maxSeriesPerInstrument = DefaultMaxSeriesPerInstrument)
    {
        _meterFilter = meterFilter;
        _logger = logger ?? NullLogger.Instance;
        _maxSeries = maxSeriesPerInstrument;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((MetricAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((MetricAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((MetricAggregator)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>
    /// The default meter selection: <c>Foundation</c>, <c>Foundation.*</c>, <c>Microsoft.AspNetCore.Hosting</c>,
    /// <c>Microsoft.AspNetCore.Server.Kestrel</c>, <c>System.Runtime</c>, plus <paramref name="extraMeters"/>
    /// (a trailing <c>*</c> is a prefix wildcard).
    /// </summary>
    internal static Func<Meter, bool> CreateMeterFilter(IEnumerable<string>? extraMeters, IMeterFactory? meterFactory)
    {
        var exact = new HashSet<string>(s_defaultExactMeters, StringComparer.Ordinal);
        var prefixes = new List<string>(s_defaultPrefixes);
        foreach (var pattern in extraMeters ?? [])
        {
            if (string.IsNullOrWhiteSpace(pattern))
            {
                continue;
            }

            var trimmed = pattern.Trim();
            if (trimmed.EndsWith('*'))
            {
                prefixes.Add(trimmed[..^1]);
            }
            else
            {
                exact.Add(trimmed);
            }
        }

        var prefixArray = prefixes.ToArray();
        return meter =>
        {
            if (meter.Scope is IMeterFactory scope && meterFactory is not null && !ReferenceEquals(scope, meterFactory))
            {
                return false;
            }

            return exact.Contains(meter.Name) || Array.Exists(prefixArray, p => meter.Name.StartsWith(p, StringComparison.Ordinal));
        };
    }

    /// <summary>
    /// Observes the observable instruments, then writes every metric family to <paramref name="output"/>. Scrapes are
    /// serialised; recording continues meanwhile.
    /// </summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_scrapeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException ex)
            {
                LogObservableCallbackFailed(_logger, ex);
            }

            var writer = new PrometheusTextWriter(output);
            foreach (var family in GetPlan())
            {
                WriteFamily(ref writer, family);
            }

            writer.Flush();
        }
    }

    /// <summary>Stops listening; the instruments' measurements are no longer aggregated.</summary>
    public void Dispose()
    {
        lock (_scrapeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _listener.Dispose();
        }
    }

    private static void WriteFamily(ref PrometheusTextWriter writer, FamilyPlan family)
    {
        var any = false;
        foreach (var member in family.Members)
        {
            any |= member.Aggregator.Series.Length > 0;
        }

        if (!any)
        {
            return;
        }

        writer.Write(family.Header);
        foreach (var member in family.Members)
        {
            var aggregator = member.Aggregator;
            foreach (var series in aggregator.Series)
            {
                var labels = series.GetRenderedLabels();
                if (family.Type != PrometheusType.Histogram)
                {
                    writer.WriteSample(family.Name, default, member.ScopeLabel, labels, default, series.Value);
                    continue;
                }

                long cumulative = 0;
                var bucketLabels = aggregator.BucketLabels;
                for (var i = 0; i < bucketLabels.Length; i++)
                {
                    cumulative += series.BucketCount(i);
                    writer.WriteSample(family.Name, "_bucket"u8, member.ScopeLabel, labels, bucketLabels[i], cumulative);
                }

                writer.WriteSample(family.Name, "_sum"u8, member.ScopeLabel, labels, default, series.Sum);
                writer.WriteSample(family.Name, "_count"u8, member.ScopeLabel, labels, default, cumulative);
            }
        }
    }

    private FamilyPlan[] GetPlan()
    {
        MetricAggregator[] aggregators;
        lock (_sync)
        {
            if (_planVersion == _version)
            {
                return _plan;
            }

            aggregators = [.. _aggregators.Values];
            _planVersion = _version;
        }

        _plan = BuildPlan(aggregators);
        return _plan;
    }

    private FamilyPlan[] BuildPlan(MetricAggregator[] aggregators)
    {
        var ordered = aggregators
            .OrderBy(a => a.MeterName, StringComparer.Ordinal)
            .ThenBy(a => a.InstrumentName, StringComparer.Ordinal)
            .ThenBy(a => a.Unit, StringComparer.Ordinal);
        var families = new SortedDictionary<string, List<MetricAggregator>>(StringComparer.Ordinal);
        foreach (var aggregator in ordered)
        {
            var name = PrometheusNaming.FamilyName(aggregator.InstrumentName, aggregator.Unit, aggregator.Type);
            if (families.TryGetValue(name, out var existing) && existing[0].Type != aggregator.Type)
            {
                // Same name, different type: qualify the later one (in meter-name order) with its meter's name.
                name = PrometheusNaming.FamilyName(
                    PrometheusNaming.SanitizeMetricName(aggregator.MeterName).ToLowerInvariant() + "_" + aggregator.InstrumentName,
                    aggregator.Unit,
                    aggregator.Type);
                if (families.TryGetValue(name, out existing) && existing[0].Type != aggregator.Type)
                {
                    LogNameConflict(_logger, aggregator.InstrumentName, aggregator.MeterName, name);
                    continue;
                }
            }

            if (!families.TryGetValue(name, out var members))
            {
                families[name] = members = [];
            }

            members.Add(aggregator);
        }

        var plan = new List<FamilyPlan>(families.Count);
        foreach (var (name, members) in families)
        {
            var multipleMeters = members.Exists(m => !string.Equals(m.MeterName, members[0].MeterName, StringComparison.Ordinal));
            var help = members.Find(m => !string.IsNullOrWhiteSpace(m.Description))?.Description
                ?? members[0].InstrumentName + (string.IsNullOrEmpty(members[0].Unit) ? string.Empty : " (" + members[0].Unit + ")");
            var type = members[0].Type switch
            {
                PrometheusType.Counter => "counter",
                PrometheusType.Histogram => "histogram",
                _ => "gauge",
            };
            var header = Encoding.UTF8.GetBytes($"# HELP {name} {PrometheusNaming.EscapeHelp(help)}\n# TYPE {name} {type}\n");
            var planMembers = members
                .Select(m => new FamilyMember(
                    m,
                    multipleMeters ? Encoding.UTF8.GetBytes("otel_scope_name=\"" + PrometheusNaming.EscapeLabelValue(m.MeterName) + "\"") : []))
                .ToArray();
            plan.Add(new FamilyPlan(Encoding.UTF8.GetBytes(name), header, members[0].Type, planMembers));
        }

        return [.. plan];
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!_meterFilter(instrument.Meter) || !TryClassify(instrument, out var aggregation, out var type))
        {
            return;
        }

        MetricAggregator? aggregator;
        lock (_sync)
        {
            var key = (instrument.Meter.Name, instrument.Name, aggregation, type, instrument.Unit ?? string.Empty);
            if (!_aggregators.TryGetValue(key, out aggregator))
            {
                aggregator = new MetricAggregator(
                    instrument.Meter.Name,
                    instrument.Name,
                    instrument.Unit,
                    instrument.Description,
                    aggregation,
                    type,
                    aggregation == AggregationKind.Histogram ? GetAdvisedBoundaries(instrument) : null,
                    _maxSeries);
                _aggregators.Add(key, aggregator);
            }

            aggregator.InstrumentCount++;
            _version++;
        }

        listener.EnableMeasurementEvents(instrument, aggregator);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is not MetricAggregator aggregator)
        {
            return;
        }

        lock (_sync)
        {
            if (--aggregator.InstrumentCount == 0)
            {
                var key = (aggregator.MeterName, aggregator.InstrumentName, aggregator.Aggregation, aggregator.Type, aggregator.Unit ?? string.Empty);
                _aggregators.Remove(key);
                _version++;
            }
        }
    }

    private static bool TryClassify(Instrument instrument, out AggregationKind aggregation, out PrometheusType type)
    {
        var instrumentType = instrument.GetType();
        var definition = instrumentType.IsGenericType ? instrumentType.GetGenericTypeDefinition() : null;
        (aggregation, type) = definition switch
        {
            _ when definition == typeof(Counter<>) => (AggregationKind.Sum, PrometheusType.Counter),
            _ when definition == typeof(UpDownCounter<>) => (AggregationKind.Sum, PrometheusType.Gauge),
            _ when definition == typeof(Gauge<>) => (AggregationKind.LastValue, PrometheusType.Gauge),
            _ when definition == typeof(Histogram<>) => (AggregationKind.Histogram, PrometheusType.Histogram),
            _ when definition == typeof(ObservableCounter<>) => (AggregationKind.LastValue, PrometheusType.Counter),
            _ when definition == typeof(ObservableUpDownCounter<>) => (AggregationKind.LastValue, PrometheusType.Gauge),
            _ when definition == typeof(ObservableGauge<>) => (AggregationKind.LastValue, PrometheusType.Gauge),
            _ => ((AggregationKind)(-1), PrometheusType.Gauge),
        };
        return Enum.IsDefined(aggregation);
    }

    private static double[]? GetAdvisedBoundaries(Instrument instrument) => instrument switch
    {
        Instrument<byte> i => Convert(i.Advice?.HistogramBucketBoundaries, static v => v),
        Instrument<short> i => Convert(i.Advice?.HistogramBucketBoundaries, static v => v),
        Instrument<int> i => Convert(i.Advice?.HistogramBucketBoundaries, static v => v),
        Instrument<long> i => Convert(i.Advice?.HistogramBucketBoundaries, static v => v),
        Instrument<float> i => Convert(i.Advice?.HistogramBucketBoundaries, static v => v),
        Instrument<double> i => Convert(i.Advice?.HistogramBucketBoundaries, static v => v),
        Instrument<decimal> i => Convert(i.Advice?.HistogramBucketBoundaries, static v => (double)v),
        _ => null,
    };

    private static double[]? Convert<T>(IReadOnlyList<T>? boundaries, Func<T, double> convert) =>
        boundaries is null ? null : [.. boundaries.Select(convert)];

    [LoggerMessage(1, LogLevel.Warning, "An observable instrument's callback failed during a /metrics scrape")]
    private static partial void LogObservableCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Instrument {Instrument} of meter {Meter} is not exported: metric family {Family} already exists with another type")]
    private static partial void LogNameConflict(ILogger logger, string instrument, string meter, string family);

    private sealed record FamilyMember(MetricAggregator Aggregator, byte[] ScopeLabel);

    private sealed record FamilyPlan(byte[] Name, byte[] Header, PrometheusType Type, FamilyMember[] Members);
}
