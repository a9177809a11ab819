using System.Security.Claims;
using System.Text.Encodings.Web;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Foundation.Auth.Authentication;

/// <summary>
/// The <c>Bearer</c> scheme: a Foundation access token (JWT) in <c>Authorization: Bearer</c>, checked by
/// <see cref="IAccessTokenService"/> and then <see cref="ISessionValidator"/>; or an API key (<c>fnd_...</c>) in
/// <c>Authorization: Bearer</c> or <c>X-API-Key</c>, checked by <see cref="IApiKeyAuthenticator"/>. A refused credential
/// gets a 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c> (RFC 6750) and a problem body (RFC 9457)
/// naming why; a forbidden request gets a 403 problem.
/// </summary>
public sealed partial class FoundationBearerHandler : AuthenticationHandler<FoundationBearerOptions>
{
    private const string BearerScheme = "Bearer";
    private const string InvalidToken = "invalid_token";
    private const string InvalidRequest = "invalid_request";

    private readonly IAccessTokenService _tokens;
    private Refusal? _refusal;

    /// <summary>Creates the handler.</summary>
    public FoundationBearerHandler(
        IOptionsMonitor<FoundationBearerOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        IAccessTokenService tokens)
        : base(options, logger, encoder)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization;
        var apiKeyHeader = Options.AcceptApiKeyHeader ? Request.Headers[FoundationAuthenticationDefaults.ApiKeyHeader] : StringValues.Empty;
        if (authorization.Count == 0 && apiKeyHeader.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (authorization.Count > 1)
        {
            return Refuse(InvalidRequest, "malformed_header", "Send one Authorization header.");
        }

        if (apiKeyHeader.Count > 1)
        {
            return Refuse(InvalidRequest, "malformed_header", "Send one X-API-Key header.");
        }

        string? credential = null;
        if (authorization.Count == 1)
        {
            var value = (authorization[0] ?? string.Empty).AsSpan().Trim();
            if (!IsBearer(value))
            {
                if (apiKeyHeader.Count == 0)
                {
                    // Another scheme may own this header; if nothing else authenticates the request, the challenge says why.
                    _refusal = new Refusal(InvalidRequest, "unsupported_scheme", "The Authorization header must use the Bearer scheme.");
                    return AuthenticateResult.NoResult();
                }
            }
            else
            {
                credential = value[BearerScheme.Length..].Trim().ToString();
                if (credential.Length == 0)
                {
                    return Refuse(InvalidRequest, "malformed_header", "The Authorization header has the Bearer scheme but no token.");
                }

                if (apiKeyHeader.Count == 1)
                {
                    return Refuse(InvalidRequest, "malformed_header", "Send one credential: Authorization: Bearer or X-API-Key, not both.");
                }
            }
        }

        if (credential is null)
        {
            credential = (apiKeyHeader[0] ?? string.Empty).Trim();
            if (!credential.StartsWith(FoundationAuthenticationDefaults.ApiKeyPrefix, StringComparison.Ordinal))
            {
                return Refuse(InvalidRequest, "malformed_header", "The X-API-Key header must hold a Foundation API key (fnd_...).");
            }
        }

        return credential.StartsWith(FoundationAuthenticationDefaults.ApiKeyPrefix, StringComparison.Ordinal)
            ? await AuthenticateApiKeyAsync(credential).ConfigureAwait(false)
            : await AuthenticateAccessTokenAsync(credential).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var refusal = _refusal;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(
            HeaderNames.WWWAuthenticate,
            refusal is null ? BearerScheme : $"{BearerScheme} error=\"{refusal.Error}\", error_description=\"{HeaderSafe(refusal.Description)}\"");
        await WriteProblemAsync(
            StatusCodes.Status401Unauthorized,
            "Unauthorized",
            refusal?.Description ?? "Authentication is required: send Authorization: Bearer <access token> or X-API-Key: <API key>.",
            refusal?.Reason ?? "missing_credentials").ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "You are signed in but not allowed to do this.", "forbidden");
    }

    private static bool IsBearer(ReadOnlySpan<char> value) =>
        value.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)
        && (value.Length == BearerScheme.Length || value[BearerScheme.Length] == ' ' || value[BearerScheme.Length] == '\t');

    private async Task<AuthenticateResult> AuthenticateApiKeyAsync(string key)
    {
        var authenticator = Context.RequestServices.GetService<IApiKeyAuthenticator>();
        if (authenticator is null)
        {
            return Refuse(InvalidToken, "api_keys_unavailable", "API keys are not accepted by this server.");
        }

        var check = await authenticator.AuthenticateAsync(key, Context.RequestAborted).ConfigureAwait(false);
        return check.Succeeded
            ? Success(check.Principal!)
            : Refuse(InvalidToken, "invalid_api_key", check.Failure ?? "The API key is not valid.");
    }

    private async Task<AuthenticateResult> AuthenticateAccessTokenAsync(string token)
    {
        var validation = await _tokens.ValidateAsync(token, Context.RequestAborted).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            return Refuse(InvalidToken, ReasonOf(validation.Failure), validation.Message ?? "The access token is not valid.");
        }

        var principal = validation.Principal!;
        if (!Options.ValidateSessions)
        {
            return Success(principal);
        }

        var validator = Context.RequestServices.GetService<ISessionValidator>();
        if (validator is null)
        {
            LogNoSessionValidator(Logger);
            return Refuse(InvalidToken, "session_unverifiable", "This server cannot check sessions, so it accepts no access tokens.");
        }

        if (!Guid.TryParse(principal.FindFirst(AuthClaims.Subject)?.Value, out var userId)
            || !Guid.TryParse(principal.FindFirst(AuthClaims.SessionId)?.Value, out var sessionId)
            || principal.FindFirst(AuthClaims.SecurityStamp)?.Value is not { Length: > 0 } stamp)
        {
            return Refuse(InvalidToken, "invalid_claims", "The access token lacks its user, session or security stamp.");
        }

        var check = await validator.ValidateAsync(userId, sessionId, stamp, Context.RequestAborted).ConfigureAwait(false);
        return check.Succeeded
            ? Success(WithSessionSecondFactor(principal, check.Principal!))
            : Refuse(InvalidToken, "session_rejected", check.Failure ?? "The session of this access token is no longer valid.");
    }

    /// <summary>
    /// A step-up verification changes the session's second-factor time within a token's lifetime: the session's value
    /// (read by the validator) replaces the token's, so a step-up counts on the next request instead of the next refresh.
    /// </summary>
    private static ClaimsPrincipal WithSessionSecondFactor(ClaimsPrincipal token, ClaimsPrincipal session)
    {
        if (session.FindFirst(AuthClaims.SecondFactorTime) is not { } current || token.Identity is not ClaimsIdentity identity)
        {
            return token;
        }

        foreach (var stale in identity.FindAll(AuthClaims.SecondFactorTime).ToList())
        {
            identity.TryRemoveClaim(stale);
        }

        identity.AddClaim(new Claim(AuthClaims.SecondFactorTime, current.Value, current.ValueType));
        return token;
    }

    private AuthenticateResult Success(ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));

    private AuthenticateResult Refuse(string error, string reason, string description)
    {
        _refusal = new Refusal(error, reason, description);
        LogRefused(Logger, reason, description);
        return AuthenticateResult.Fail(description);
    }

    private async Task WriteProblemAsync(int status, string title, string detail, string reason)
    {
        if (Response.HasStarted)
        {
            return;
        }

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
        var service = Context.RequestServices.GetService<IProblemDetailsService>();
        if (service is not null
            && await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            return;
        }

        await Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", Context.RequestAborted).ConfigureAwait(false);
    }

    private static string ReasonOf(AccessTokenFailure failure) => failure switch
    {
        AccessTokenFailure.Malformed => "malformed",
        AccessTokenFailure.InvalidSignature => "invalid_signature",
        AccessTokenFailure.UnknownKey => "unknown_key",
        AccessTokenFailure.Expired => "expired",
        AccessTokenFailure.InvalidClaims => "invalid_claims",
        _ => "invalid_token",
    };

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

    [LoggerMessage(1, LogLevel.Debug, "Bearer authentication refused ({Reason}): {Description}")]
    private static partial void LogRefused(ILogger logger, string reason, string description);

    [LoggerMessage(2, LogLevel.Error, "An access token was presented but no ISessionValidator is registered; register the Foundation.Auth store, or turn off FoundationBearerOptions.ValidateSessions.")]
    private static partial void LogNoSessionValidator(ILogger logger);

    private sealed record Refusal(string Error, string Reason, string Description);
}
