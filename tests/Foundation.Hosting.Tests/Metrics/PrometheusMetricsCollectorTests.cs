using System.Diagnostics.Metrics;
using System.Globalization;
using Foundation.Hosting.Metrics.Internal;

namespace Foundation.Hosting.Tests.Metrics;

public sealed class PrometheusMetricsCollectorTests
{
    [Fact]
    public void Counter_is_a_monotonic_sum_named_total()
    {
        using var m = new IsolatedMeter();
        var counter = m.Meter.CreateCounter<int>("orders.placed", "{order}", "Orders placed.");
        counter.Add(2, new("region", "eu"), new("channel", "web"));
        counter.Add(3, new("region", "eu"), new("channel", "web"));
        counter.Add(1, new("region", "us"), new("channel", "web"));
        counter.Add(-5, new("region", "us"), new("channel", "web")); // ignored: counters are monotonic

        var text = m.Scrape();

        text.ShouldContain("# HELP orders_placed_total Orders placed.\n# TYPE orders_placed_total counter\n");
        text.ShouldContain("orders_placed_total{channel=\"web\",region=\"eu\"} 5\n");
        text.ShouldContain("orders_placed_total{channel=\"web\",region=\"us\"} 1\n");
    }

    [Fact]
    public void The_same_tags_in_another_order_are_one_series()
    {
        using var m = new IsolatedMeter();
        var counter = m.Meter.CreateCounter<long>("hits");
        counter.Add(1, new("a", "1"), new("b", "2"));
        counter.Add(1, new("b", "2"), new("a", "1"));
        counter.Add(1, new("a", "1"), new("b", "2"));

        MetricsTestSupport.Samples(m.Scrape()).ShouldBe(["hits_total{a=\"1\",b=\"2\"} 3"]);
    }

    [Fact]
    public void Untagged_measurements_have_no_braces()
    {
        using var m = new IsolatedMeter();
        m.Meter.CreateCounter<long>("plain").Add(7);

        MetricsTestSupport.Samples(m.Scrape()).ShouldBe(["plain_total 7"]);
    }

    [Fact]
    public void UpDownCounter_is_a_gauge_holding_the_sum()
    {
        using var m = new IsolatedMeter();
        var queue = m.Meter.CreateUpDownCounter<int>("queue.length", "{item}");
        queue.Add(5);
        queue.Add(-2);

        var text = m.Scrape();
        text.ShouldContain("# TYPE queue_length gauge\n");
        MetricsTestSupport.Samples(text).ShouldBe(["queue_length 3"]);
    }

    [Fact]
    public void Gauge_keeps_the_last_value_and_spells_special_values_the_Prometheus_way()
    {
        using var m = new IsolatedMeter();
        var gauge = m.Meter.CreateGauge<double>("temperature", "Cel");
        gauge.Record(21.5, new KeyValuePair<string, object?>("room", "a"));
        gauge.Record(19.25, new KeyValuePair<string, object?>("room", "a"));
        gauge.Record(double.PositiveInfinity, new KeyValuePair<string, object?>("room", "b"));
        gauge.Record(double.NegativeInfinity, new KeyValuePair<string, object?>("room", "c"));
        gauge.Record(double.NaN, new KeyValuePair<string, object?>("room", "d"));

        MetricsTestSupport.Samples(m.Scrape()).ShouldBe(
        [
            "temperature_celsius{room=\"a\"} 19.25",
            "temperature_celsius{room=\"b\"} +Inf",
            "temperature_celsius{room=\"c\"} -Inf",
            "temperature_celsius{room=\"d\"} NaN",
        ]);
    }

    [Fact]
    public void Histogram_with_default_boundaries_has_cumulative_buckets_sum_and_count()
    {
        using var m = new IsolatedMeter();
        var histogram = m.Meter.CreateHistogram<double>("job.duration", "ms");
        foreach (var value in new[] { 3.0, 5.0, 7.0, 7000.0, 20000.0 })
        {
            histogram.Record(value, new KeyValuePair<string, object?>("job", "x"));
        }

        var text = m.Scrape();

        text.ShouldContain("# TYPE job_duration_milliseconds histogram\n");
        var samples = MetricsTestSupport.Samples(text);
        samples.ShouldBe(
        [
            "job_duration_milliseconds_bucket{job=\"x\",le=\"0\"} 0",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"5\"} 2", // 5 is in le="5": bounds are inclusive
            "job_duration_milliseconds_bucket{job=\"x\",le=\"10\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"25\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"50\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"75\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"100\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"250\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"500\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"750\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"1000\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"2500\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"5000\"} 3",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"7500\"} 4",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"10000\"} 4",
            "job_duration_milliseconds_bucket{job=\"x\",le=\"+Inf\"} 5",
            "job_duration_milliseconds_sum{job=\"x\"} 27015",
            "job_duration_milliseconds_count{job=\"x\"} 5",
        ]);
    }

    [Fact]
    public void Histogram_uses_the_instruments_advised_boundaries()
    {
        using var m = new IsolatedMeter();
        var histogram = m.Meter.CreateHistogram<double>(
            "request.duration",
            "s",
            description: null,
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.1, 1] });
        histogram.Record(0.05);
        histogram.Record(0.5);
        histogram.Record(3);

        MetricsTestSupport.Samples(m.Scrape()).ShouldBe(
        [
            "request_duration_seconds_bucket{le=\"0.005\"} 0",
            "request_duration_seconds_bucket{le=\"0.1\"} 1",
            "request_duration_seconds_bucket{le=\"1\"} 2",
            "request_duration_seconds_bucket{le=\"+Inf\"} 3",
            "request_duration_seconds_sum 3.55",
            "request_duration_seconds_count 3",
        ]);
    }

    [Fact]
    public void Integer_histogram_advice_is_honoured()
    {
        using var m = new IsolatedMeter();
        var histogram = m.Meter.CreateHistogram<int>(
            "batch.size", "{item}", null, null, new InstrumentAdvice<int> { HistogramBucketBoundaries = [10, 100] });
        histogram.Record(50);

        MetricsTestSupport.Samples(m.Scrape()).ShouldContain("batch_size_bucket{le=\"100\"} 1");
    }

    [Fact]
    public void Observable_instruments_are_observed_at_scrape()
    {
        using var m = new IsolatedMeter();
        long cumulative = 10;
        m.Meter.CreateObservableCounter("cpu.time", () => new Measurement<long>(cumulative, new KeyValuePair<string, object?>("mode", "user")), "s");
        m.Meter.CreateObservableUpDownCounter("connections", () => 4, "{connection}");
        m.Meter.CreateObservableGauge("utilization", () => 0.25, "1");

        var first = m.Scrape();
        cumulative = 42;
        var second = m.Scrape();

        first.ShouldContain("# TYPE cpu_time_seconds_total counter\ncpu_time_seconds_total{mode=\"user\"} 10\n");
        second.ShouldContain("cpu_time_seconds_total{mode=\"user\"} 42\n");
        second.ShouldContain("# TYPE connections gauge\nconnections 4\n");
        second.ShouldContain("# TYPE utilization_ratio gauge\nutilization_ratio 0.25\n");
    }

    [Fact]
    public void Every_numeric_type_is_recorded()
    {
        using var m = new IsolatedMeter();
        m.Meter.CreateCounter<byte>("c.byte").Add(2);
        m.Meter.CreateCounter<short>("c.short").Add(2);
        m.Meter.CreateCounter<int>("c.int").Add(2);
        m.Meter.CreateCounter<long>("c.long").Add(2);
        m.Meter.CreateCounter<float>("c.float").Add(2.5f);
        m.Meter.CreateCounter<double>("c.double").Add(2.5);
        m.Meter.CreateCounter<decimal>("c.decimal").Add(2.25m);
        m.Meter.CreateHistogram<decimal>("h.decimal").Record(1.5m);
        m.Meter.CreateGauge<short>("g.short").Record(-3);

        var samples = MetricsTestSupport.Samples(m.Scrape());

        samples.ShouldContain("c_byte_total 2");
        samples.ShouldContain("c_short_total 2");
        samples.ShouldContain("c_int_total 2");
        samples.ShouldContain("c_long_total 2");
        samples.ShouldContain("c_float_total 2.5");
        samples.ShouldContain("c_double_total 2.5");
        samples.ShouldContain("c_decimal_total 2.25");
        samples.ShouldContain("h_decimal_sum 1.5");
        samples.ShouldContain("g_short -3");
    }

    [Fact]
    public void Meters_created_before_and_after_the_collector_are_both_collected()
    {
        var name = "Foundation.Tests.Late." + Guid.NewGuid().ToString("N");
        using var early = new Meter(name);
        var earlyCounter = early.CreateCounter<int>("early");
        using var collector = new PrometheusMetricsCollector(m => m.Name == name);
        using var late = new Meter(name);
        var lateCounter = late.CreateCounter<int>("late");

        earlyCounter.Add(1);
        lateCounter.Add(2);

        var samples = MetricsTestSupport.Samples(MetricsTestSupport.Scrape(collector));
        samples.ShouldContain("early_total 1");
        samples.ShouldContain("late_total 2");
    }

    [Fact]
    public void A_disposed_meter_disappears_from_the_exposition()
    {
        var name = "Foundation.Tests.Disposed." + Guid.NewGuid().ToString("N");
        using var collector = new PrometheusMetricsCollector(m => m.Name == name);
        var meter = new Meter(name);
        meter.CreateCounter<int>("gone").Add(1);
        MetricsTestSupport.Scrape(collector).ShouldContain("gone_total 1");

        meter.Dispose();

        MetricsTestSupport.Scrape(collector).ShouldNotContain("gone_total");
    }

    [Fact]
    public void Two_meter_instances_with_the_same_name_feed_one_series()
    {
        var name = "Foundation.Tests.Twice." + Guid.NewGuid().ToString("N");
        using var collector = new PrometheusMetricsCollector(m => m.Name == name);
        using var first = new Meter(name);
        using var second = new Meter(name);
        first.CreateCounter<int>("shared").Add(1, new KeyValuePair<string, object?>("k", "v"));
        second.CreateCounter<int>("shared").Add(2, new KeyValuePair<string, object?>("k", "v"));

        MetricsTestSupport.Samples(MetricsTestSupport.Scrape(collector)).ShouldBe(["shared_total{k=\"v\"} 3"]);
    }

    [Fact]
    public async Task The_same_instrument_name_in_two_meters_is_one_family_told_apart_by_scope()
    {
        var suffix = Guid.NewGuid().ToString("N");
        string[] names = ["Foundation.Tests.A" + suffix, "Foundation.Tests.B" + suffix];
        using var collector = new PrometheusMetricsCollector(m => names.Contains(m.Name));
        using var a = new Meter(names[0]);
        using var b = new Meter(names[1]);
        a.CreateCounter<int>("calls", null, "Calls.").Add(1);
        b.CreateCounter<int>("calls", null, "Calls.").Add(2);
        a.CreateGauge<int>("latency").Record(1);
        b.CreateHistogram<int>("latency").Record(1); // same family name, another type: qualified with the meter name

        var text = MetricsTestSupport.Scrape(collector);

        text.Split('\n').Count(l => l == "# TYPE calls_total counter").ShouldBe(1);
        text.ShouldContain($"calls_total{{otel_scope_name=\"{names[0]}\"}} 1\ncalls_total{{otel_scope_name=\"{names[1]}\"}} 2\n");
        text.ShouldContain("# TYPE latency gauge\nlatency 1\n");
        text.ShouldContain($"# TYPE foundation_tests_b{suffix}_latency histogram\n");
        await MetricsTestSupport.ShouldPassPromtoolAsync(text);
    }

    [Fact]
    public void Label_values_are_escaped_and_colliding_label_names_are_joined()
    {
        using var m = new IsolatedMeter();
        m.Meter.CreateCounter<int>("escaped").Add(
            1,
            new("path", "C:\\dir \"x\"\nnext"),
            new("a.b", "1"),
            new("a_b", "2"));

        MetricsTestSupport.Samples(m.Scrape()).ShouldBe(["escaped_total{a_b=\"1;2\",path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1"]);
    }

    [Fact]
    public void Help_defaults_to_the_instrument_name_and_is_escaped()
    {
        using var m = new IsolatedMeter();
        m.Meter.CreateCounter<int>("no.description", "s").Add(1);
        m.Meter.CreateCounter<int>("multi.line", null, "first\\line\nsecond").Add(1);

        var text = m.Scrape();
        text.ShouldContain("# HELP no_description_seconds_total no.description (s)\n");
        text.ShouldContain("# HELP multi_line_total first\\\\line\\nsecond\n");
    }

    [Fact]
    public void Numbers_are_formatted_with_the_invariant_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
            using var m = new IsolatedMeter();
            m.Meter.CreateGauge<double>("g").Record(1234.5, new KeyValuePair<string, object?>("v", 0.5));
            MetricsTestSupport.Samples(m.Scrape()).ShouldBe(["g{v=\"0.5\"} 1234.5"]);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void New_tag_sets_beyond_the_cardinality_limit_go_to_the_overflow_series()
    {
        using var m = new IsolatedMeter(maxSeriesPerInstrument: 3);
        var counter = m.Meter.CreateCounter<int>("limited");
        for (var i = 0; i < 10; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", i));
        }

        counter.Add(5, new KeyValuePair<string, object?>("id", 0));

        var samples = MetricsTestSupport.Samples(m.Scrape());
        samples.ShouldContain("limited_total{id=\"0\"} 6");
        samples.ShouldContain("limited_total{id=\"1\"} 1");
        samples.ShouldContain("limited_total{id=\"2\"} 1");
        samples.ShouldContain("limited_total{otel_metric_overflow=\"true\"} 7");
        samples.Length.ShouldBe(4);
    }

    [Fact]
    public void Concurrent_recording_from_many_threads_is_exact()
    {
        using var m = new IsolatedMeter();
        var counter = m.Meter.CreateCounter<long>("concurrent");
        var histogram = m.Meter.CreateHistogram<double>("concurrent.latency", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2] });
        const int Threads = 8;
        const int PerThread = 50_000;
        using var start = new Barrier(Threads);

        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                var tag = new KeyValuePair<string, object?>("parity", (i & 1) == 0 ? "even" : "odd");
                counter.Add(1, tag, new KeyValuePair<string, object?>("thread", t % 2));
                histogram.Record(i % 3, tag);
            }
        })).ToList();
        workers.ForEach(w => w.Start());

        // Scrape while recording: the exposition must stay consistent (count == +Inf bucket).
        for (var i = 0; i < 20; i++)
        {
            _ = m.Scrape();
        }

        workers.ForEach(w => w.Join());
        var samples = MetricsTestSupport.Samples(m.Scrape());

        const int Half = Threads * PerThread / 4;
        samples.ShouldContain($"concurrent_total{{parity=\"even\",thread=\"0\"}} {Half}");
        samples.ShouldContain($"concurrent_total{{parity=\"odd\",thread=\"1\"}} {Half}");
        samples.ShouldContain($"concurrent_latency_seconds_count{{parity=\"even\"}} {Threads * PerThread / 2}");
        samples.ShouldContain($"concurrent_latency_seconds_bucket{{parity=\"even\",le=\"+Inf\"}} {Threads * PerThread / 2}");
        var evenSum = Enumerable.Range(0, PerThread).Where(i => (i & 1) == 0).Sum(i => (long)(i % 3)) * Threads;
        samples.ShouldContain($"concurrent_latency_seconds_sum{{parity=\"even\"}} {evenSum}");
    }

    [Fact]
    public void The_default_meter_filter_selects_Foundation_ASP_NET_Core_and_runtime_meters()
    {
        var filter = PrometheusMetricsCollector.CreateMeterFilter(["MyCompany.*", "Exact.Name"], meterFactory: null);
        bool Accepts(string name)
        {
            using var meter = new Meter(name);
            return filter(meter);
        }

        Accepts("Foundation").ShouldBeTrue();
        Accepts("Foundation.Costing").ShouldBeTrue();
        Accepts("FoundationX").ShouldBeFalse();
        Accepts("Microsoft.AspNetCore.Hosting").ShouldBeTrue();
        Accepts("Microsoft.AspNetCore.Server.Kestrel").ShouldBeTrue();
        Accepts("System.Runtime").ShouldBeTrue();
        Accepts("System.Net.Http").ShouldBeFalse();
        Accepts("MyCompany.Orders").ShouldBeTrue();
        Accepts("Exact.Name").ShouldBeTrue();
        Accepts("Exact.Name.Child").ShouldBeFalse();
    }

    [Fact]
    public void Meters_of_another_meter_factory_are_ignored()
    {
        using var ours = new TestMeterFactory();
        using var theirs = new TestMeterFactory();
        var filter = PrometheusMetricsCollector.CreateMeterFilter([], ours);

        filter(ours.Create("Foundation.Scoped")).ShouldBeTrue();
        filter(theirs.Create("Foundation.Scoped")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_rich_exposition_passes_promtool()
    {
        using var m = new IsolatedMeter();
        m.Meter.CreateCounter<long>("requests", "{request}", "Requests.").Add(3, new("http.request.method", "GET"), new("url.scheme", "https"));
        m.Meter.CreateHistogram<double>("request.duration", "s", "Duration.").Record(0.2, new KeyValuePair<string, object?>("route", "/a\"b"));
        m.Meter.CreateUpDownCounter<int>("active", "{request}", "Active.").Add(2);
        m.Meter.CreateObservableGauge("memory.usage", () => 1024L, "By", "Memory.");
        m.Meter.CreateGauge<double>("ratio", "1", "Ratio.").Record(double.NaN);

        await MetricsTestSupport.ShouldPassPromtoolAsync(m.Scrape());
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            options.Scope = this;
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
