using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Metrics.Internal;

/// <summary>Serves the exposition after checking <see cref="MetricsOptions.AllowedIPs"/> and <see cref="MetricsOptions.ApiKey"/>.</summary>
internal sealed class MetricsEndpoint
{
    /// <summary>The Prometheus text exposition content type.</summary>
    internal const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The header that can carry the key instead of <c>Authorization: Bearer</c>.</summary>
    internal const string KeyHeader = "X-Metrics-Key";

    private readonly PrometheusMetricsCollector _collector;
    private readonly IpAccessList _allowedIps;
    private readonly byte[]? _keyHash;

    public MetricsEndpoint(PrometheusMetricsCollector collector, MetricsOptions options)
    {
        _collector = collector;
        _allowedIps = new IpAccessList(options.AllowedIPs);
        _keyHash = string.IsNullOrEmpty(options.ApiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.ApiKey));
    }

    public Task HandleAsync(HttpContext context)
    {
        if (!_allowedIps.IsEmpty && !_allowedIps.Contains(context.Connection.RemoteIpAddress))
        {
            return WriteProblemAsync(
                context,
                StatusCodes.Status403Forbidden,
                "Forbidden",
                "This client address may not read the metrics; add it to Foundation:Hosting:Metrics:AllowedIPs.");
        }

        if (_keyHash is not null && !HasValidKey(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return WriteProblemAsync(
                context,
                StatusCodes.Status401Unauthorized,
                "Unauthorized",
                "Send the metrics key as 'Authorization: Bearer <key>' or in the X-Metrics-Key header.");
        }

        return WriteMetricsAsync(context);
    }

    private async Task WriteMetricsAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        _collector.WriteTo(response.BodyWriter);
        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private bool HasValidKey(HttpRequest request)
    {
        string? presented = null;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }
        else if (request.Headers.TryGetValue(KeyHeader, out var header))
        {
            presented = header.ToString().Trim();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        // Compare hashes so the comparison takes the same time whatever the presented key's length.
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var length = Encoding.UTF8.GetBytes(presented, rented);
            SHA256.HashData(rented.AsSpan(0, length), presentedHash);
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return CryptographicOperations.FixedTimeEquals(presentedHash, _keyHash);
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = status == StatusCodes.Status401Unauthorized
                ? "https://tools.ietf.org/html/rfc9110#section-15.5.2"
                : "https://tools.ietf.org/html/rfc9110#section-15.5.4",
            Instance = context.Request.Path,
        };

        var service = context.RequestServices.GetService<IProblemDetailsService>();
        if (service is not null && await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            return;
        }

        context.Response.ContentType = "application/problem+json";
        var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("type", problem.Type);
            writer.WriteString("title", problem.Title);
            writer.WriteNumber("status", status);
            writer.WriteString("detail", problem.Detail);
            writer.WriteString("instance", problem.Instance);
            writer.WriteString("traceId", Activity.Current?.Id ?? context.TraceIdentifier);
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
