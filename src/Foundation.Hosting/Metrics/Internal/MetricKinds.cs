namespace Foundation.Hosting.Metrics.Internal;

/// <summary>How measurements of an instrument are aggregated in memory.</summary>
internal enum AggregationKind
{
    /// <summary>Measurements are added (Counter, UpDownCounter).</summary>
    Sum,

    /// <summary>The last measurement wins (Gauge and every observable instrument).</summary>
    LastValue,

    /// <summary>Explicit-bucket histogram with sum and count.</summary>
    Histogram,
}

/// <summary>The Prometheus metric type a family is exposed as.</summary>
internal enum PrometheusType
{
    /// <summary><c>counter</c>: monotonic, name ends with <c>_total</c>.</summary>
    Counter,

    /// <summary><c>gauge</c>.</summary>
    Gauge,

    /// <summary><c>histogram</c>: <c>_bucket</c>, <c>_sum</c>, <c>_count</c>.</summary>
    Histogram,
}
