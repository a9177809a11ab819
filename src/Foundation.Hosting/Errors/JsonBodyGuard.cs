using System.Text.Json;
using Foundation.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Errors;

/// <summary>
/// Reads the JSON body of every endpoint that accepts JSON once, before its handler, and refuses it with a
/// <see cref="BadHttpRequestException"/> (400, inner <see cref="InvalidJsonBodyException"/>) unless it is well-formed JSON
/// whose every string and property name is valid Unicode. System.Text.Json checks the syntax when it reads, but decodes a
/// string only when asked for it, and then throws an <see cref="InvalidOperationException"/> a handler does not expect
/// (<c>JsonElement.GetString()</c> on <c>"\ud800"</c>); after this guard, any code reading the body may rely on its text.
/// </summary>
/// <remarks>
/// It applies to requests whose Content-Type is JSON (or absent) on endpoints that declare a JSON body
/// (<see cref="IAcceptsMetadata"/>, which minimal APIs add for a body parameter and the gateway declares). Routing already
/// answers another Content-Type with 415 on such endpoints. The body is buffered in memory (its size is bounded by the server's
/// <c>MaxRequestBodySize</c>) and handed on as a seekable stream.
/// </remarks>
internal sealed class JsonBodyGuardMiddleware(RequestDelegate next, IOptions<JsonOptions> json)
{
    /// <summary>What minimal APIs accept (depth, comments, trailing commas), so the guard refuses nothing they would bind.</summary>
    private readonly JsonReaderOptions _reader = new()
    {
        MaxDepth = json.Value.SerializerOptions.MaxDepth,
        CommentHandling = json.Value.SerializerOptions.ReadCommentHandling,
        AllowTrailingCommas = json.Value.SerializerOptions.AllowTrailingCommas,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.GetEndpoint() is not { } endpoint
            || !AcceptsJson(endpoint)
            || request.ContentLength == 0
            || !HasJsonOrNoContentType(request))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var capacity = request.ContentLength is > 0 and <= 1 << 20 ? (int)request.ContentLength.Value : 4096;
        var buffer = new MemoryStream(capacity);
        await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > 0)
        {
            var failure = JsonTextValidator.Validate(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), _reader);
            if (failure is not null)
            {
                throw new BadHttpRequestException(failure.Message, StatusCodes.Status400BadRequest, failure);
            }
        }

        buffer.Position = 0;
        request.Body = buffer;
        context.Items[JsonTextValidator.ValidatedItemKey] = true;
        context.Response.RegisterForDispose(buffer);
        await next(context).ConfigureAwait(false);
    }

    private static bool AcceptsJson(Endpoint endpoint)
    {
        foreach (var accepts in endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>())
        {
            foreach (var type in accepts.ContentTypes)
            {
                if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                    || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool HasJsonOrNoContentType(HttpRequest request) =>
        string.IsNullOrEmpty(request.ContentType) || request.HasJsonContentType();
}
