using System.Globalization;
using System.Text.Json;
using Foundation.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Errors;

/// <summary>
/// Turns an unhandled exception into an RFC 9457 problem: a malformed request (<see cref="BadHttpRequestException"/>,
/// among them a JSON body the <see cref="JsonBodyGuardMiddleware"/> refused) keeps its 4xx status, says what was wrong
/// (<c>jsonPath</c> and <c>code</c>: <c>invalid_json</c> or <c>invalid_encoding</c>) and is logged at Debug only;
/// anything else is a 500 that names the request id and, only in Development (or when configured), the exception. On the OpenAI-compatible routes the
/// <see cref="Foundation.Llm.Routing.Endpoints.OpenAIProblemDetailsWriter"/> (Foundation.Llm.Routing) writes the same problem in OpenAI's error shape.
/// </summary>
internal sealed partial class FoundationExceptionHandler(
    IProblemDetailsService problemDetails,
    IWebHostEnvironment environment,
    IOptions<HostingOptions> options,
    ILogger<FoundationExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            // The caller's mistake, not the server's: one Debug line, no error log (diagnostics are suppressed for it).
            LogRejected(logger, httpContext.Request.Method, httpContext.Request.Path.Value ?? string.Empty, bad.StatusCode, bad.Message);
            httpContext.Response.StatusCode = bad.StatusCode;
            problem = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "The request is malformed",
                Detail = bad.Message,
            };
            if (bad.InnerException is InvalidJsonBodyException body)
            {
                // Found by the JSON body guard before any handler ran: the message names the path already.
                problem.Title = string.Equals(body.Code, InvalidJsonBodyException.InvalidEncoding, StringComparison.Ordinal)
                    ? "The request body is not valid UTF-8 text"
                    : "The request body is not valid JSON";
                problem.Detail = body.Message;
                problem.Extensions["jsonPath"] = body.Path ?? "$";
                problem.Extensions["code"] = body.Code;
            }
            else if (bad.InnerException is JsonException json)
            {
                // The JSON path and position say where the body is wrong; the serializer's message adds nothing safe.
                problem.Detail = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{bad.Message} The JSON is invalid at '{json.Path ?? "$"}' (line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}).");
                problem.Extensions["jsonPath"] = json.Path ?? "$";
                problem.Extensions["code"] = InvalidJsonBodyException.InvalidJson;
            }
        }
        else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads the answer.
            httpContext.Response.StatusCode = 499;
            return true;
        }
        else
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path.Value ?? string.Empty);
            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred",
                Detail = "The server could not complete the request. Quote the requestId when you report it.",
            };
            if (options.Value.Errors.IncludeExceptionDetails ?? environment.IsDevelopment())
            {
                problem.Extensions["exception"] = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["type"] = exception.GetType().FullName,
                    ["message"] = exception.Message,
                    ["stackTrace"] = exception.StackTrace,
                };
            }
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Refused a malformed request {Method} {Path} with {StatusCode}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string method, string path, int statusCode, string reason);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
