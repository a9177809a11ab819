using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Foundation.Auth.Authentication;

/// <summary>Why a credential was refused: the RFC 6750 <c>error</c>, our <c>reason</c>, and a description safe to show.</summary>
internal sealed record BearerRefusal(string Error, string Reason, string Description)
{
    public const string InvalidToken = "invalid_token";
    public const string InvalidRequest = "invalid_request";
}

/// <summary>
/// A refusal carried as the failure of an <c>AuthenticateResult</c>, so the challenge can say why (the JwtBearer
/// handler passes the failure to <c>OnChallenge</c>).
/// </summary>
internal sealed class BearerRefusalException : Exception
{
    public BearerRefusalException(BearerRefusal refusal)
        : base(refusal.Description) => Refusal = refusal;

    public BearerRefusalException()
        : this(new BearerRefusal(BearerRefusal.InvalidToken, "invalid_token", "The access token is not valid."))
    {
    }

    public BearerRefusalException(string message)
        : this(new BearerRefusal(BearerRefusal.InvalidToken, "invalid_token", message))
    {
    }

    public BearerRefusalException(string message, Exception innerException)
        : base(message, innerException) => Refusal = new BearerRefusal(BearerRefusal.InvalidToken, "invalid_token", message);

    public BearerRefusal Refusal { get; }
}

/// <summary>
/// The 401 and 403 answers of both Foundation schemes: <c>WWW-Authenticate: Bearer</c> (with <c>error</c> and
/// <c>error_description</c> when a credential was refused, RFC 6750) and a problem body (RFC 9457) with a <c>reason</c>.
/// </summary>
internal static class BearerResponses
{
    /// <summary>Answers 401 for <paramref name="refusal"/>, or for missing credentials when it is <see langword="null"/>.</summary>
    public static Task ChallengeAsync(HttpContext context, BearerRefusal? refusal)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.Append(
            HeaderNames.WWWAuthenticate,
            refusal is null
                ? BearerCredentials.BearerScheme
                : $"{BearerCredentials.BearerScheme} error=\"{refusal.Error}\", error_description=\"{HeaderSafe(refusal.Description)}\"");
        return WriteProblemAsync(
            context,
            StatusCodes.Status401Unauthorized,
            "Unauthorized",
            refusal?.Description ?? "Authentication is required: send Authorization: Bearer <access token> or X-API-Key: <API key>.",
            refusal?.Reason ?? "missing_credentials");
    }

    /// <summary>Answers 403: signed in, not allowed.</summary>
    public static Task ForbiddenAsync(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "You are signed in but not allowed to do this.", "forbidden");
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail, string reason)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = status == StatusCodes.Status401Unauthorized
                ? "https://tools.ietf.org/html/rfc9110#section-15.5.2"
                : "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        };
        problem.Extensions["reason"] = reason;
        var service = context.RequestServices.GetService<IProblemDetailsService>();
        if (service is not null
            && await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>RFC 6750 allows only printable ASCII other than <c>"</c> and <c>\</c> in <c>error_description</c>.</summary>
    private static string HeaderSafe(string value) =>
        string.Create(value.Length, value, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '\'';
            }
        });
}
