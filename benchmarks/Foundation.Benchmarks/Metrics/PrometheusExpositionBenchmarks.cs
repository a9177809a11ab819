using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Foundation.Hosting.Metrics.Internal;

namespace Foundation.Benchmarks.Metrics;

/// <summary>
/// The Prometheus exporter's two hot paths: writing 1,000 series (what every scrape costs) and recording a measurement
/// with the listener active (what every HTTP request costs).
/// </summary>
[MemoryDiagnoser]
public class PrometheusExpositionBenchmarks
{
    private static readonly string[] s_methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
    private static readonly object[] s_statusCodes = [200, 201, 204, 400, 401, 403, 404, 409, 500, 503];

    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private Meter _meter = null!;
    private PrometheusMetricsCollector _collector = null!;
    private PipeWriter _nullPipe = null!;
    private MeterListener _noOpListener = null!;
    private Counter<long> _baselineCounter = null!;
    private Counter<long> _counter = null!;
    private Histogram<double> _histogram = null!;
    private KeyValuePair<string, object?> _method;
    private KeyValuePair<string, object?> _status;
    private KeyValuePair<string, object?> _route;

    [GlobalSetup]
    public void Setup()
    {
        var meterName = "Foundation.Benchmarks." + Guid.NewGuid().ToString("N");
        _meter = new Meter(meterName);
        _collector = new PrometheusMetricsCollector(m => m.Name == meterName);
        _nullPipe = PipeWriter.Create(Stream.Null);

        // 1,000 series: 2 counters x 250 tag sets, a gauge x 400 tag sets, a histogram x 100 tag sets (each histogram
        // series is 18 sample lines: 15 bounds + Inf, sum, count).
        var requests = _meter.CreateCounter<long>("bench.requests", "{request}", "Requests.");
        var bytes = _meter.CreateCounter<long>("bench.bytes", "By", "Bytes.");
        var inflight = _meter.CreateUpDownCounter<int>("bench.inflight", "{request}", "In flight.");
        var latency = _meter.CreateHistogram<double>("bench.latency", "ms", "Latency.");
        for (var i = 0; i < 250; i++)
        {
            var tags = new TagList { { "http.request.method", s_methods[i % 5] }, { "tenant", "tenant-" + i } };
            requests.Add(i, tags);
            bytes.Add(i * 1000L, tags);
        }

        for (var i = 0; i < 400; i++)
        {
            inflight.Add(i % 7, new KeyValuePair<string, object?>("worker", i));
        }

        for (var i = 0; i < 100; i++)
        {
            latency.Record(i * 13.7, new KeyValuePair<string, object?>("route", "/api/items/" + i), new KeyValuePair<string, object?>("status", s_statusCodes[i % 10]));
        }

        _counter = _meter.CreateCounter<long>("bench.hot.requests", "{request}");
        _histogram = _meter.CreateHistogram<double>("http.server.request.duration", "s");
        _method = new("http.request.method", "GET");
        _status = new("http.response.status_code", s_statusCodes[0]);
        _route = new("http.route", "/api/items/{id}");
        _counter.Add(1, _method, _status);
        _histogram.Record(0.01, _method, _status, _route);

        // Baseline: the same call on an instrument whose only listener does nothing, i.e. the cost of
        // System.Diagnostics.Metrics itself, to read the collector's share off CounterAdd2Tags.
        var baselineMeterName = meterName + ".Baseline";
        _noOpListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == baselineMeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _noOpListener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _noOpListener.Start();
        _baselineCounter = new Meter(baselineMeterName).CreateCounter<long>("baseline");

        WriteToBuffer();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _collector.Dispose();
        _noOpListener.Dispose();
        _baselineCounter.Meter.Dispose();
        _meter.Dispose();
    }

    /// <summary>One scrape of ~1,000 series into a reused buffer.</summary>
    [Benchmark]
    public int WriteToBuffer()
    {
        _buffer.ResetWrittenCount();
        _collector.WriteTo(_buffer);
        return _buffer.WrittenCount;
    }

    /// <summary>One scrape of ~1,000 series through a PipeWriter (like the response body) to Stream.Null.</summary>
    [Benchmark]
    public void WriteToPipe()
    {
        _collector.WriteTo(_nullPipe);
        _nullPipe.FlushAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Counter.Add with two tags, listener active.</summary>
    [Benchmark]
    public void CounterAdd2Tags() => _counter.Add(1, _method, _status);

    /// <summary>Counter.Add with two tags to a no-op listener: the floor set by System.Diagnostics.Metrics.</summary>
    [Benchmark]
    public void CounterAdd2Tags_NoOpListener() => _baselineCounter.Add(1, _method, _status);

    /// <summary>Histogram.Record with three tags, listener active.</summary>
    [Benchmark]
    public void HistogramRecord3Tags() => _histogram.Record(0.042, _method, _status, _route);
}
