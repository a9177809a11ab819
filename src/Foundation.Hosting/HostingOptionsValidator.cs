using System.Globalization;
using System.Net;
using Foundation.Hosting.Correlation;
using Foundation.Hosting.RateLimiting;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Internal;

/// <summary>Checks <c>Foundation:Hosting</c> at start; each failure names its configuration key.</summary>
internal sealed class HostingOptionsValidator : IValidateOptions<HostingOptions>
{
    private const string Root = "Foundation:Hosting";

    public ValidateOptionsResult Validate(string? name, HostingOptions options)
    {
        var f = new List<string>();

        var headers = options.SecurityHeaders;
        foreach (var prefix in headers.ContentSecurityPolicyOverrides.Keys)
        {
            if (!prefix.StartsWith('/'))
            {
                f.Add($"{Root}:SecurityHeaders:ContentSecurityPolicyOverrides has the path '{prefix}', which does not start with '/'.");
            }
        }

        if (headers.Hsts.MaxAgeDays < 0)
        {
            f.Add($"{Root}:SecurityHeaders:Hsts:MaxAgeDays is {headers.Hsts.MaxAgeDays}; it must be 0 or more.");
        }

        var requestIdHeader = options.RequestId.HeaderName;
        if (string.IsNullOrWhiteSpace(requestIdHeader) || !RequestIds.IsValid(requestIdHeader) || requestIdHeader.Contains('.', StringComparison.Ordinal))
        {
            f.Add($"{Root}:RequestId:HeaderName is '{requestIdHeader}'; give an HTTP header name such as X-Request-ID.");
        }

        ValidateRule(f, "General", options.RateLimiting.General);
        ValidateRule(f, "Api", options.RateLimiting.Api);
        ValidateRule(f, "Auth", options.RateLimiting.Auth);
        ValidateRule(f, "Llm", options.RateLimiting.Llm);
        ValidatePrefixes(f, "RateLimiting:ApiPathPrefixes", options.RateLimiting.ApiPathPrefixes);
        ValidatePrefixes(f, "RateLimiting:AuthPathPrefixes", options.RateLimiting.AuthPathPrefixes);

        var forwarded = options.ForwardedHeaders;
        for (var i = 0; i < forwarded.TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(forwarded.TrustedProxies[i], out _))
            {
                f.Add($"{Root}:ForwardedHeaders:TrustedProxies:{i} is '{forwarded.TrustedProxies[i]}', not an IP address.");
            }
        }

        for (var i = 0; i < forwarded.TrustedNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(forwarded.TrustedNetworks[i], out _))
            {
                f.Add($"{Root}:ForwardedHeaders:TrustedNetworks:{i} is '{forwarded.TrustedNetworks[i]}', not a CIDR range such as 10.0.0.0/8.");
            }
        }

        if (forwarded.ForwardLimit < 1)
        {
            f.Add($"{Root}:ForwardedHeaders:ForwardLimit is {forwarded.ForwardLimit}; it must be 1 or more.");
        }

        var cors = options.Cors;
        for (var i = 0; i < cors.AllowedOrigins.Count; i++)
        {
            var origin = cors.AllowedOrigins[i];
            if (string.Equals(origin, "*", StringComparison.Ordinal))
            {
                if (cors.AllowCredentials)
                {
                    f.Add($"{Root}:Cors:AllowedOrigins:{i} is '*' while {Root}:Cors:AllowCredentials is true; list the origins explicitly.");
                }
            }
            else if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (!string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal) && !string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal))
                || !string.Equals(uri.AbsolutePath, "/", StringComparison.Ordinal) || origin.EndsWith('/'))
            {
                f.Add($"{Root}:Cors:AllowedOrigins:{i} is '{origin}'; give an origin such as https://app.example.com (scheme and host, no path).");
            }
        }

        if (cors.PreflightMaxAgeSeconds < 0)
        {
            f.Add($"{Root}:Cors:PreflightMaxAgeSeconds is {cors.PreflightMaxAgeSeconds}; it must be 0 or more.");
        }

        var health = options.Health;
        if (!health.LivePath.StartsWith('/'))
        {
            f.Add($"{Root}:Health:LivePath is '{health.LivePath}'; it must start with '/'.");
        }

        if (!health.ReadyPath.StartsWith('/'))
        {
            f.Add($"{Root}:Health:ReadyPath is '{health.ReadyPath}'; it must start with '/'.");
        }

        if (health.MinimumFreeDiskMegabytes < 0)
        {
            f.Add($"{Root}:Health:MinimumFreeDiskMegabytes is {health.MinimumFreeDiskMegabytes}; it must be 0 or more.");
        }

        if (health.MaximumWorkingSetMegabytes < 1)
        {
            f.Add($"{Root}:Health:MaximumWorkingSetMegabytes is {health.MaximumWorkingSetMegabytes}; it must be 1 or more.");
        }

        if (health.DatabaseTimeoutSeconds < 1)
        {
            f.Add($"{Root}:Health:DatabaseTimeoutSeconds is {health.DatabaseTimeoutSeconds}; it must be 1 or more.");
        }

        var otel = options.OpenTelemetry;
        if (otel.Enabled)
        {
            if (!otel.Endpoint.IsAbsoluteUri)
            {
                f.Add($"{Root}:OpenTelemetry:Endpoint is '{otel.Endpoint}'; give an absolute URL such as http://localhost:4317.");
            }

            if (!string.Equals(otel.Protocol, "Grpc", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(otel.Protocol, "HttpProtobuf", StringComparison.OrdinalIgnoreCase))
            {
                f.Add($"{Root}:OpenTelemetry:Protocol is '{otel.Protocol}'; use Grpc or HttpProtobuf.");
            }

            if (otel.MetricExportIntervalMilliseconds < 100)
            {
                f.Add($"{Root}:OpenTelemetry:MetricExportIntervalMilliseconds is {otel.MetricExportIntervalMilliseconds}; it must be 100 or more.");
            }
        }

        return f.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(f);
    }

    private static void ValidateRule(List<string> f, string group, RateLimitRule rule)
    {
        if (rule.PermitLimit < 1)
        {
            f.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:RateLimiting:{group}:PermitLimit is {rule.PermitLimit}; it must be 1 or more."));
        }

        if (rule.WindowSeconds < 1)
        {
            f.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:RateLimiting:{group}:WindowSeconds is {rule.WindowSeconds}; it must be 1 or more."));
        }
    }

    private static void ValidatePrefixes(List<string> f, string key, List<string> prefixes)
    {
        for (var i = 0; i < prefixes.Count; i++)
        {
            if (string.IsNullOrEmpty(prefixes[i]) || !prefixes[i].StartsWith('/'))
            {
                f.Add($"{Root}:{key}:{i} is '{prefixes[i]}'; a path prefix must start with '/'.");
            }
        }
    }
}
