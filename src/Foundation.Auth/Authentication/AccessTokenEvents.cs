using System.Security.Claims;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Foundation.Auth.Authentication;

/// <summary>
/// The events of the <c>Foundation.AccessToken</c> JwtBearer scheme. They wrap the host's events (the
/// <see cref="JwtBearerOptions.Events"/> it configured, or its <see cref="AuthenticationSchemeOptions.EventsType"/>), so a
/// host extends them the usual way and cannot drop the suite's checks by doing so:
/// <list type="bullet">
/// <item><c>OnMessageReceived</c>: the host's first (it may supply the token); then the checks before the signature
/// (size, shape, algorithm, <c>kid</c>, the key from the ring, refreshed once for an unknown <c>kid</c>, and the token's
/// algorithm equal to the key's).</item>
/// <item><c>OnTokenValidated</c>: ours first (retired key, lifetime against the injected <see cref="TimeProvider"/>,
/// <c>sub</c>/<c>sid</c>/<c>sst</c>, then <see cref="ISessionValidator"/>, and the session's second-factor time replacing
/// the token's); the host's only for a token that passed them.</item>
/// <item><c>OnAuthenticationFailed</c>: the host's, then IdentityModel's exception mapped to the suite's refusal.</item>
/// <item><c>OnChallenge</c> and <c>OnForbidden</c>: the host's; unless it handled the response, the suite's 401/403
/// (<c>WWW-Authenticate</c> per RFC 6750 and a problem body with a <c>reason</c>).</item>
/// </list>
/// </summary>
internal sealed partial class AccessTokenEvents : JwtBearerEvents
{
    private static readonly object KeyItem = new();

    /// <summary>The claims the session (its active organisation and membership) decides, whatever the token says.</summary>
    private static readonly string[] SessionOwnedClaims = [AuthClaims.Tenant, AuthClaims.Role, AuthClaims.Team];

    private readonly JwtBearerEvents? _inner;
    private readonly Type? _innerType;
    private readonly AccessTokenChecks _checks;
    private readonly IOptionsMonitor<FoundationBearerOptions> _bearerOptions;
    private readonly ILogger _logger;

    public AccessTokenEvents(
        JwtBearerEvents? inner,
        Type? innerType,
        AccessTokenChecks checks,
        IOptionsMonitor<FoundationBearerOptions> bearerOptions,
        ILogger logger)
    {
        _inner = inner;
        _innerType = innerType;
        _checks = checks;
        _bearerOptions = bearerOptions;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task MessageReceived(MessageReceivedContext context)
    {
        if (Inner(context.HttpContext) is { } inner)
        {
            await inner.MessageReceived(context).ConfigureAwait(false);
            if (context.Result is not null)
            {
                return;
            }
        }

        var token = context.Token;
        if (string.IsNullOrEmpty(token))
        {
            if (!BearerCredentials.TryGetBearerToken(context.Request, out token))
            {
                // No access token: nothing to authenticate; the challenge asks for credentials.
                context.NoResult();
                return;
            }

            context.Token = token;
        }

        var resolved = await _checks.ResolveAsync(token, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (resolved.Refusal is { } refusal)
        {
            Fail(context, Refusal(refusal));
            return;
        }

        context.HttpContext.Items[KeyItem] = resolved.Key;
    }

    /// <inheritdoc />
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var refusal = await CheckAsync(context).ConfigureAwait(false);
        if (refusal is not null)
        {
            Fail(context, refusal);
            return;
        }

        if (Inner(context.HttpContext) is { } inner)
        {
            await inner.TokenValidated(context).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        if (Inner(context.HttpContext) is { } inner)
        {
            await inner.AuthenticationFailed(context).ConfigureAwait(false);
            if (context.Result is not null)
            {
                return;
            }
        }

        // A token the handler refused; any other exception (the key store down, say) stays an error.
        var exception = context.Exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : context.Exception;
        if (exception is SecurityTokenException or ArgumentException)
        {
            Fail(context, Refusal(AccessTokenChecks.Map(exception)));
        }
    }

    /// <inheritdoc />
    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        if (Inner(context.HttpContext) is { } inner)
        {
            await inner.Challenge(context).ConfigureAwait(false);
            if (context.Handled)
            {
                return;
            }
        }

        var refusal = context.AuthenticateFailure switch
        {
            null => null,
            BearerRefusalException refused => refused.Refusal,

            // A host's own failure (ctx.Fail in one of its events): refused, without echoing its message.
            _ => new BearerRefusal(BearerRefusal.InvalidToken, "invalid_token", "The access token is not valid."),
        };
        await BearerResponses.ChallengeAsync(context.HttpContext, refusal).ConfigureAwait(false);
        context.HandleResponse();
    }

    /// <inheritdoc />
    public override async Task Forbidden(ForbiddenContext context)
    {
        if (Inner(context.HttpContext) is { } inner)
        {
            await inner.Forbidden(context).ConfigureAwait(false);
        }

        await BearerResponses.ForbiddenAsync(context.HttpContext).ConfigureAwait(false);
    }

    private JwtBearerEvents? Inner(HttpContext context) =>
        _innerType is not null ? (JwtBearerEvents)context.RequestServices.GetRequiredService(_innerType) : _inner;

    private async ValueTask<BearerRefusal?> CheckAsync(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken jwt || context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return new BearerRefusal(BearerRefusal.InvalidToken, "invalid_token", "The access token is not valid.");
        }

        var key = context.HttpContext.Items[KeyItem] as SigningKey ?? _checks.FindKnownKey(jwt.Kid);
        if (key is null || !string.Equals(key.KeyId, jwt.Kid, StringComparison.Ordinal))
        {
            return Refusal(AccessTokenChecks.UnknownKey);
        }

        if (_checks.CheckAfterSignature(jwt, key) is { } refused)
        {
            return Refusal(refused);
        }

        if (!_bearerOptions.Get(FoundationAuthenticationDefaults.ApiKeyScheme).ValidateSessions)
        {
            return null;
        }

        var validator = context.HttpContext.RequestServices.GetService<ISessionValidator>();
        if (validator is null)
        {
            LogNoSessionValidator(_logger);
            return new BearerRefusal(BearerRefusal.InvalidToken, "session_unverifiable", "This server cannot check sessions, so it accepts no access tokens.");
        }

        if (!Guid.TryParse(identity.FindFirst(AuthClaims.Subject)?.Value, out var userId)
            || !Guid.TryParse(identity.FindFirst(AuthClaims.SessionId)?.Value, out var sessionId)
            || identity.FindFirst(AuthClaims.SecurityStamp)?.Value is not { Length: > 0 } stamp)
        {
            return new BearerRefusal(BearerRefusal.InvalidToken, "invalid_claims", "The access token lacks its user, session or security stamp.");
        }

        var check = await validator.ValidateAsync(userId, sessionId, stamp, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (!check.Succeeded)
        {
            return new BearerRefusal(BearerRefusal.InvalidToken, "session_rejected", check.Failure ?? "The session of this access token is no longer valid.");
        }

        UseSessionClaims(identity, check.Principal!);
        UseSessionSecondFactor(identity, check.Principal!);
        return null;
    }

    /// <summary>
    /// Where the request acts and with which roles come from the session and the membership, as the validator read them, never from
    /// the token (decision 0016): the session's active organisation (<see cref="AuthClaims.Tenant"/>), its membership roles and team
    /// replace the token's. Otherwise a token issued before a switch of organisation would keep acting in the old one, with the roles
    /// it had there, even after its holder was demoted or removed from it (the validator checks the membership of the session's
    /// organisation, not of the token's).
    /// </summary>
    /// <remarks>
    /// Only a principal that describes the session (it carries the user's <see cref="AuthClaims.Subject"/>, as Foundation's validator's
    /// always does) decides them: a host's own <see cref="ISessionValidator"/> that only says yes or no leaves the token's claims.
    /// </remarks>
    private static void UseSessionClaims(ClaimsIdentity token, ClaimsPrincipal session)
    {
        if (session.FindFirst(AuthClaims.Subject) is null)
        {
            return;
        }

        foreach (var type in SessionOwnedClaims)
        {
            foreach (var stale in token.FindAll(type).ToList())
            {
                token.TryRemoveClaim(stale);
            }

            foreach (var current in session.FindAll(type))
            {
                token.AddClaim(new Claim(type, current.Value, current.ValueType));
            }
        }
    }

    /// <summary>
    /// A step-up verification changes the session's second-factor time within a token's lifetime: the session's value
    /// (read by the validator) replaces the token's, so a step-up counts on the next request instead of the next refresh.
    /// </summary>
    private static void UseSessionSecondFactor(ClaimsIdentity token, ClaimsPrincipal session)
    {
        if (session.FindFirst(AuthClaims.SecondFactorTime) is not { } current)
        {
            return;
        }

        foreach (var stale in token.FindAll(AuthClaims.SecondFactorTime).ToList())
        {
            token.TryRemoveClaim(stale);
        }

        token.AddClaim(new Claim(AuthClaims.SecondFactorTime, current.Value, current.ValueType));
    }

    private void Fail<TOptions>(ResultContext<TOptions> context, BearerRefusal refusal)
        where TOptions : AuthenticationSchemeOptions
    {
        LogRefused(_logger, refusal.Reason, refusal.Description);
        context.Fail(new BearerRefusalException(refusal));
    }

    private static BearerRefusal Refusal(AccessTokenValidation refused) =>
        new(BearerRefusal.InvalidToken, ReasonOf(refused.Failure), refused.Message ?? "The access token is not valid.");

    private static string ReasonOf(AccessTokenFailure failure) => failure switch
    {
        AccessTokenFailure.Malformed => "malformed",
        AccessTokenFailure.InvalidSignature => "invalid_signature",
        AccessTokenFailure.UnknownKey => "unknown_key",
        AccessTokenFailure.Expired => "expired",
        AccessTokenFailure.InvalidClaims => "invalid_claims",
        _ => "invalid_token",
    };

    [LoggerMessage(1, LogLevel.Debug, "Access-token authentication refused ({Reason}): {Description}")]
    private static partial void LogRefused(ILogger logger, string reason, string description);

    [LoggerMessage(2, LogLevel.Error, "An access token was presented but no ISessionValidator is registered; register the Foundation.Auth store, or turn off FoundationBearerOptions.ValidateSessions.")]
    private static partial void LogNoSessionValidator(ILogger logger);
}
