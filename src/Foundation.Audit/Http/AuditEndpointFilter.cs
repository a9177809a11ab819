using System.Globalization;
using Foundation.Auditing;
using Foundation.Callers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Audit.Http;

/// <summary>
/// Records an audit event for every mutating request (POST, PUT, PATCH, DELETE) to the endpoints it is put on:
/// the action it was given, the actor (<see cref="ICurrentCaller"/>: user or API key, tenant), the outcome from the
/// final status code (2xx/3xx success, 401/403 denied, anything else or a thrown exception failure), the target
/// (its type and the id from a route value), the request id, client IP and User-Agent, and in <c>Data</c> the HTTP method,
/// the route pattern and the status code. Request and response bodies, the query string and every other header are
/// never read, so nothing a client sends (passwords, tokens) reaches the audit log. GET, HEAD and OPTIONS pass through.
/// Add it with <see cref="AuditEndpointConventionBuilderExtensions.WithAuditing{TBuilder}"/>.
/// </summary>
/// <remarks>
/// Requests refused before the endpoint runs (authentication, authorization, rate limiting, model binding) do not reach
/// an endpoint filter; authorization failures of Foundation's own policies are audited where they happen.
/// </remarks>
public sealed class AuditEndpointFilter : IEndpointFilter
{
    private readonly string _action;
    private readonly string? _targetType;
    private readonly string? _targetRouteValue;

    /// <summary>Creates the filter.</summary>
    /// <param name="action">The action recorded, a dotted lower-case name such as <c>orders.create</c>.</param>
    /// <param name="targetType">The kind of thing acted on, such as <c>order</c>; <see langword="null"/> for none.</param>
    /// <param name="targetRouteValue">The route value holding the target's id (default <c>id</c>); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="action"/> is empty.</exception>
    public AuditEndpointFilter(string action, string? targetType = null, string? targetRouteValue = "id")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        _action = action;
        _targetType = targetType;
        _targetRouteValue = targetRouteValue;
    }

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var http = context.HttpContext;
        if (!IsMutating(http.Request.Method))
        {
            return await next(context).ConfigureAwait(false);
        }

        var recorded = false;

        // The status is final when the response starts (after the result, an exception handler or a status-code page ran).
        http.Response.OnStarting(async () =>
        {
            if (!recorded)
            {
                recorded = true;
                await RecordAsync(http, http.Response.StatusCode).ConfigureAwait(false);
            }
        });

        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (!recorded && !http.RequestAborted.IsCancellationRequested)
        {
            // A throwing handler is a failure whatever the host's error handling makes of it later.
            recorded = true;
            await RecordAsync(http, StatusCodes.Status500InternalServerError, ex.GetType().Name).ConfigureAwait(false);
            throw;
        }
    }

    internal static bool IsMutating(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    internal static AuditOutcome OutcomeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => AuditOutcome.Denied,
        >= 200 and < 400 => AuditOutcome.Success,
        _ => AuditOutcome.Failure,
    };

    private async Task RecordAsync(HttpContext http, int status, string? exception = null)
    {
        var services = http.RequestServices;
        var caller = services.GetService<ICurrentCaller>();
        var data = new Dictionary<string, string?>(4, StringComparer.Ordinal)
        {
            ["method"] = http.Request.Method,
            ["route"] = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText,
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
        };
        if (exception is not null)
        {
            data["exception"] = exception;
        }

        var auditEvent = new AuditEvent(_action, OutcomeOf(status))
        {
            ActorUserId = caller?.UserId,
            ActorApiKeyId = caller?.ApiKeyId,
            TenantId = caller?.TenantId,
            TargetType = _targetType,
            TargetId = _targetRouteValue is null ? null : Convert.ToString(http.GetRouteValue(_targetRouteValue), CultureInfo.InvariantCulture),
            RequestId = caller?.RequestId ?? http.TraceIdentifier,
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
            Data = data,
        };

        try
        {
            await services.GetRequiredService<IAuditEventWriter>().WriteAsync(auditEvent, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The response is already decided; the writer counts what it drops. Say so loudly rather than fail the response.
            services.GetService<ILoggerFactory>()?.CreateLogger<AuditEndpointFilter>()
                .LogError(ex, "The audit event {Action} for {Method} {Route} could not be recorded.", _action, http.Request.Method, data["route"]);
        }
    }
}

/// <summary>Puts <see cref="AuditEndpointFilter"/> on an endpoint or a group of endpoints.</summary>
public static class AuditEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Audits every POST, PUT, PATCH and DELETE to these endpoints as <paramref name="action"/>:
    /// <c>app.MapPost("/orders/{id}", ...).WithAuditing("orders.create", targetType: "order")</c>.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="action">The action recorded, a dotted lower-case name such as <c>orders.create</c>.</param>
    /// <param name="targetType">The kind of thing acted on, such as <c>order</c>.</param>
    /// <param name="targetRouteValue">The route value holding the target's id (default <c>id</c>); <see langword="null"/> for none.</param>
    public static TBuilder WithAuditing<TBuilder>(this TBuilder builder, string action, string? targetType = null, string? targetRouteValue = "id")
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(new AuditEndpointFilter(action, targetType, targetRouteValue));
    }
}
