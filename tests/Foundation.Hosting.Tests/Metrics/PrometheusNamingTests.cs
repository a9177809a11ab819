using System.Globalization;
using Foundation.Hosting.Metrics.Internal;

namespace Foundation.Hosting.Tests.Metrics;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("http.server.request.duration", "s", "Histogram", "http_server_request_duration_seconds")]
    [InlineData("http.server.active_requests", "{request}", "Gauge", "http_server_active_requests")]
    [InlineData("foundation.requests", "{request}", "Counter", "foundation_requests_total")]
    [InlineData("latency", "ms", "Histogram", "latency_milliseconds")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", "Counter", "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("process.memory_bytes", "By", "Gauge", "process_memory_bytes")]
    [InlineData("cpu.utilization", "1", "Gauge", "cpu_utilization_ratio")]
    [InlineData("hits", "1", "Counter", "hits_total")]
    [InlineData("throughput", "By/s", "Gauge", "throughput_bytes_per_second")]
    [InlineData("rate", "{request}/s", "Gauge", "rate_per_second")]
    [InlineData("distance", "furlong-x", "Gauge", "distance_furlong_x")]
    [InlineData("my-metric.name", "", "Gauge", "my_metric_name")]
    [InlineData("my-metric.name", null, "Gauge", "my_metric_name")]
    [InlineData("jobs_total", null, "Counter", "jobs_total")]
    [InlineData("jobs_total", "s", "Counter", "jobs_seconds_total")]
    [InlineData("wait_seconds", "s", "Histogram", "wait_seconds")]
    [InlineData("2xx.responses", null, "Gauge", "_2xx_responses")]
    [InlineData("a..b--c", null, "Gauge", "a_b_c")]
    [InlineData("ns:metric", null, "Gauge", "ns_metric")]
    [InlineData("temperature", "Cel", "Gauge", "temperature_celsius")]
    [InlineData("dotnet.timer.count", "{timer}", "Gauge", "dotnet_timer_count_current")]
    [InlineData("queue.sum", null, "Gauge", "queue_sum_current")]
    [InlineData("queue.bucket", null, "Gauge", "queue_bucket_current")]
    [InlineData("jobs_total", null, "Gauge", "jobs_total_current")]
    [InlineData("dotnet.thread_pool.thread.count", "{thread}", "Counter", "dotnet_thread_pool_thread_count_total")]
    public void Family_names_follow_the_OpenTelemetry_conventions(string instrument, string? unit, string type, string expected) =>
        PrometheusNaming.FamilyName(instrument, unit, Enum.Parse<PrometheusType>(type)).ShouldBe(expected);

    [Theory]
    [InlineData("s", false, "seconds")]
    [InlineData("ms", false, "milliseconds")]
    [InlineData("By", false, "bytes")]
    [InlineData("1", true, "ratio")]
    [InlineData("1", false, null)]
    [InlineData("{request}", false, null)]
    [InlineData("{packet}/s", true, "per_second")]
    [InlineData("KiBy", false, "kibibytes")]
    [InlineData("%", true, "percent")]
    [InlineData("m/s", true, "meters_per_second")]
    [InlineData("weird unit!", false, "weird_unit")]
    public void Unit_suffixes_come_from_UCUM(string unit, bool isGauge, string? expected) =>
        PrometheusNaming.UnitSuffix(unit, isGauge).ShouldBe(expected);

    [Theory]
    [InlineData("http.request.method", "http_request_method")]
    [InlineData("error.type", "error_type")]
    [InlineData("1abc", "_1abc")]
    [InlineData("a-b c", "a_b_c")]
    [InlineData("__reserved", "_reserved")]
    [InlineData("ümlaut", "_mlaut")]
    public void Label_names_are_sanitised(string key, string expected) =>
        PrometheusNaming.SanitizeLabelName(key).ShouldBe(expected);

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline() =>
        PrometheusNaming.EscapeLabelValue("a\\b\"c\nd").ShouldBe("a\\\\b\\\"c\\nd");

    [Fact]
    public void Help_escapes_backslash_and_newline_but_not_quotes() =>
        PrometheusNaming.EscapeHelp("C:\\x \"q\"\nnext").ShouldBe("C:\\\\x \"q\"\\nnext");

    [Fact]
    public void Tag_values_are_formatted_with_the_invariant_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            PrometheusNaming.FormatTagValue(1.5).ShouldBe("1.5");
            PrometheusNaming.FormatTagValue(true).ShouldBe("true");
            PrometheusNaming.FormatTagValue(null).ShouldBe(string.Empty);
            PrometheusNaming.FormatTagValue(404).ShouldBe("404");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
