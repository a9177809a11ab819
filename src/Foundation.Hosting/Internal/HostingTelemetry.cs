using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.Hosting.Internal;

/// <summary>The <c>Foundation.Hosting</c> meter and activity source.</summary>
internal static class HostingTelemetry
{
    public const string Name = "Foundation.Hosting";

    public static readonly Meter Meter = new(Name, typeof(HostingTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly ActivitySource ActivitySource = new(Name, typeof(HostingTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>(
        "foundation.hosting.rate_limit.rejections",
        unit: "{request}",
        description: "Requests refused with 429 by the rate limiter, by endpoint group.");
}
