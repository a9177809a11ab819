using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Foundation.Auth.Authentication;

/// <summary>
/// The <c>Foundation.ApiKey</c> scheme (<see cref="FoundationAuthenticationDefaults.ApiKeyScheme"/>): an API key
/// (<c>fnd_...</c>) in <c>Authorization: Bearer</c> or <c>X-API-Key</c>, checked by <see cref="IApiKeyAuthenticator"/>.
/// The <c>Bearer</c> policy scheme also sends it every request that is not a lone access token, so it refuses malformed
/// and conflicting headers and answers a request without credentials. A refused credential gets a 401 with
/// <c>WWW-Authenticate: Bearer error="..."</c> (RFC 6750) and a problem body (RFC 9457) naming why; a forbidden request
/// gets a 403 problem. Access tokens are the JwtBearer scheme's (<see cref="FoundationAuthenticationDefaults.AccessTokenScheme"/>).
/// </summary>
public sealed partial class FoundationApiKeyHandler : AuthenticationHandler<FoundationBearerOptions>
{
    private BearerRefusal? _refusal;

    /// <summary>Creates the handler.</summary>
    public FoundationApiKeyHandler(IOptionsMonitor<FoundationBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
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
            return Refuse(BearerRefusal.InvalidRequest, "malformed_header", "Send one Authorization header.");
        }

        if (apiKeyHeader.Count > 1)
        {
            return Refuse(BearerRefusal.InvalidRequest, "malformed_header", "Send one X-API-Key header.");
        }

        string? credential = null;
        if (authorization.Count == 1)
        {
            var value = (authorization[0] ?? string.Empty).AsSpan().Trim();
            if (!BearerCredentials.IsBearer(value))
            {
                if (apiKeyHeader.Count == 0)
                {
                    // Another scheme may own this header; if nothing else authenticates the request, the challenge says why.
                    _refusal = new BearerRefusal(BearerRefusal.InvalidRequest, "unsupported_scheme", "The Authorization header must use the Bearer scheme.");
                    return AuthenticateResult.NoResult();
                }
            }
            else
            {
                credential = value[BearerCredentials.BearerScheme.Length..].Trim().ToString();
                if (credential.Length == 0)
                {
                    return Refuse(BearerRefusal.InvalidRequest, "malformed_header", "The Authorization header has the Bearer scheme but no token.");
                }

                if (apiKeyHeader.Count == 1)
                {
                    return Refuse(BearerRefusal.InvalidRequest, "malformed_header", "Send one credential: Authorization: Bearer or X-API-Key, not both.");
                }
            }
        }

        if (credential is null)
        {
            credential = (apiKeyHeader[0] ?? string.Empty).Trim();
            if (!credential.StartsWith(FoundationAuthenticationDefaults.ApiKeyPrefix, StringComparison.Ordinal))
            {
                return Refuse(BearerRefusal.InvalidRequest, "malformed_header", "The X-API-Key header must hold a Foundation API key (fnd_...).");
            }
        }

        // An access token is the JwtBearer scheme's; the Bearer policy scheme never sends one here.
        return credential.StartsWith(FoundationAuthenticationDefaults.ApiKeyPrefix, StringComparison.Ordinal)
            ? await AuthenticateApiKeyAsync(credential).ConfigureAwait(false)
            : AuthenticateResult.NoResult();
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        await BearerResponses.ChallengeAsync(Context, _refusal).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => BearerResponses.ForbiddenAsync(Context);

    private async Task<AuthenticateResult> AuthenticateApiKeyAsync(string key)
    {
        var authenticator = Context.RequestServices.GetService<IApiKeyAuthenticator>();
        if (authenticator is null)
        {
            return Refuse(BearerRefusal.InvalidToken, "api_keys_unavailable", "API keys are not accepted by this server.");
        }

        var check = await authenticator.AuthenticateAsync(key, Context.RequestAborted).ConfigureAwait(false);
        return check.Succeeded
            ? Success(check.Principal!)
            : Refuse(BearerRefusal.InvalidToken, "invalid_api_key", check.Failure ?? "The API key is not valid.");
    }

    private AuthenticateResult Success(ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));

    private AuthenticateResult Refuse(string error, string reason, string description)
    {
        _refusal = new BearerRefusal(error, reason, description);
        LogRefused(Logger, reason, description);
        return AuthenticateResult.Fail(description);
    }

    [LoggerMessage(1, LogLevel.Debug, "API-key authentication refused ({Reason}): {Description}")]
    private static partial void LogRefused(ILogger logger, string reason, string description);
}
