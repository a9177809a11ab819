using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Foundation.Hosting.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.RateLimiting;

/// <summary>Builds the global limiter (group x client IP) and the 429 answer.</summary>
internal static class FoundationRateLimiter
{
    public static void Configure(RateLimiterOptions limiter, RateLimitingOptions options, SharedRateLimits? shared = null)
    {
        var rules = new Dictionary<string, RateLimitRule>(StringComparer.Ordinal)
        {
            [RateLimitGroups.General] = options.General,
            [RateLimitGroups.Api] = options.Api,
            [RateLimitGroups.Auth] = options.Auth,
            [RateLimitGroups.Llm] = options.Llm,
        };
        var authPrefixes = options.AuthPathPrefixes.Select(p => new PathString(p.TrimEnd('/'))).ToArray();
        var apiPrefixes = options.ApiPathPrefixes.Select(p => new PathString(p.TrimEnd('/'))).ToArray();

        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, PartitionKey>(context =>
        {
            var group = GroupOf(context, authPrefixes, apiPrefixes);
            var rule = rules.TryGetValue(group, out var r) ? r : options.General;
            var key = new PartitionKey(group, context.Connection.RemoteIpAddress);
            if (shared is { Enabled: true })
            {
                // Foundation:Redis: one window per (group, client) for every instance, counted in Redis (per instance while it is down).
                return RateLimitPartition.Get(key, k => new RedisFixedWindowLimiter(
                    shared, k.Group, k.ClientAddress?.ToString() ?? "unknown", rule.PermitLimit, TimeSpan.FromSeconds(rule.WindowSeconds)));
            }

            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = rule.PermitLimit,
                Window = TimeSpan.FromSeconds(rule.WindowSeconds),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        limiter.OnRejected = (rejected, cancellationToken) => OnRejectedAsync(rejected, rules, authPrefixes, apiPrefixes, cancellationToken);
    }

    internal static string GroupOf(HttpContext context, PathString[] authPrefixes, PathString[] apiPrefixes)
    {
        var declared = context.GetEndpoint()?.Metadata.GetMetadata<RateLimitGroupAttribute>();
        if (declared is not null)
        {
            return declared.Group;
        }

        var path = context.Request.Path;
        foreach (var prefix in authPrefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return RateLimitGroups.Auth;
            }
        }

        foreach (var prefix in apiPrefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return RateLimitGroups.Api;
            }
        }

        return RateLimitGroups.General;
    }

    private static async ValueTask OnRejectedAsync(
        OnRejectedContext rejected,
        Dictionary<string, RateLimitRule> rules,
        PathString[] authPrefixes,
        PathString[] apiPrefixes,
        CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var group = GroupOf(context, authPrefixes, apiPrefixes);
        var rule = rules.TryGetValue(group, out var r) ? r : rules[RateLimitGroups.General];
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : rule.WindowSeconds;

        HostingTelemetry.RateLimitRejections.Add(1, new KeyValuePair<string, object?>("group", group));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many requests",
            Type = "https://tools.ietf.org/html/rfc6585#section-4",
            Detail = string.Create(
                CultureInfo.InvariantCulture,
                $"The limit of {rule.PermitLimit} requests per {rule.WindowSeconds} seconds for '{group}' endpoints from one client was reached. Retry after {retryAfter} seconds."),
        };
        problem.Extensions["retryAfterSeconds"] = retryAfter;
        problem.Extensions["limit"] = rule.PermitLimit;
        problem.Extensions["windowSeconds"] = rule.WindowSeconds;
        problem.Extensions["group"] = group;
        problem.Extensions["code"] = "rate_limit_exceeded";

        var writer = context.RequestServices.GetService<IProblemDetailsService>();
        if (writer is null || !await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken).ConfigureAwait(false);
        }
    }

    internal readonly record struct PartitionKey(string Group, IPAddress? ClientAddress);
}
