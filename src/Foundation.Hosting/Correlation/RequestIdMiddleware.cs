using System.Diagnostics;
using Foundation.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Correlation;

/// <summary>
/// Gives every request a correlation id: the caller's <c>X-Request-ID</c> when it is a sane token, else a new
/// one. The id is returned on the response, set as <c>HttpContext.TraceIdentifier</c>, tagged on the current
/// <see cref="Activity"/> and put in a logging scope together with the user and tenant.
/// </summary>
internal sealed partial class RequestIdMiddleware
{
    /// <summary>The tag set on the request's <see cref="Activity"/>.</summary>
    public const string ActivityTagName = "http.request.id";

    private static readonly Func<object, Task> OnStartingCallback = WriteHeader;

    private readonly RequestDelegate _next;
    private readonly ILogger<RequestIdMiddleware> _logger;
    private readonly string _headerName;
    private readonly bool _acceptIncoming;

    public RequestIdMiddleware(RequestDelegate next, IOptions<HostingOptions> options, ILogger<RequestIdMiddleware> logger)
    {
        _next = next;
        _logger = logger;
        _headerName = options.Value.RequestId.HeaderName;
        _acceptIncoming = options.Value.RequestId.AcceptIncoming;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        string requestId;
        var fromCaller = false;
        if (context.Request.Headers.TryGetValue(_headerName, out var incoming) && _acceptIncoming)
        {
            if (incoming.Count == 1 && RequestIds.IsValid(incoming[0]))
            {
                requestId = incoming[0]!;
                fromCaller = true;
            }
            else
            {
                requestId = RequestIds.NewId();
                LogRejected(_logger, _headerName, requestId);
            }
        }
        else
        {
            requestId = RequestIds.NewId();
        }

        // One object per request serves as the feature, the OnStarting state and the logging scope.
        var correlation = new CallerLogScope(context, requestId, fromCaller, _headerName);
        context.TraceIdentifier = requestId;
        context.Features.Set<IRequestIdFeature>(correlation);
        Activity.Current?.SetTag(ActivityTagName, requestId);
        context.Response.OnStarting(OnStartingCallback, correlation);

        using (_logger.BeginScope(correlation))
        {
            await _next(context).ConfigureAwait(false);
        }
    }

    private static Task WriteHeader(object state)
    {
        var correlation = (CallerLogScope)state;
        correlation.Context.Response.Headers[correlation.HeaderName] = correlation.RequestId;
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Ignored a malformed {HeaderName} header; using {RequestId} instead")]
    private static partial void LogRejected(ILogger logger, string headerName, string requestId);
}
