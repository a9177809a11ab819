using System.Security.Claims;
using Foundation.Auth;
using Foundation.Auth.Accounts;
using Foundation.Auth.Tokens;
using Foundation.Hosting.Correlation;
using Foundation.Hosting.RateLimiting;
using Foundation.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Auth;

/// <summary>The account endpoints under <c>/api/v1/auth</c>.</summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/v1/auth")
            .WithTags("Auth")
            .WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Auth))
            .WithNoStore()
            .AddEndpointFilter<AuthProblemFilter>();

        auth.MapPost("/register", async (RegisterBody body, AccountService accounts, IOptions<AuthOptions> options, HttpContext http, CancellationToken ct) =>
        {
            if (!options.Value.AllowSelfRegistration)
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Registration is closed",
                    detail: "This server does not allow self-registration (Foundation:Auth:AllowSelfRegistration is false); ask an administrator for an account.");
            }

            if (!string.IsNullOrWhiteSpace(body.Tenant) && !options.Value.AllowSelfRegistrationIntoNamedTenants)
            {
                throw new AuthValidationException(
                    "tenant",
                    "Self-registration into a named tenant is turned off (Foundation:Auth:AllowSelfRegistrationIntoNamedTenants); omit the tenant or ask the tenant's administrator for an account.");
            }

            var user = await accounts.RegisterAsync(new RegisterRequest(body.Email, body.Password, body.Tenant), Client(http), ct).ConfigureAwait(false);
            return Results.Created("/api/v1/auth/me", user);
        })
        .WithSummary("Creates an account. The first account of a tenant is its owner.")
        .Produces<UserProfile>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .AllowAnonymous();

        auth.MapPost("/login", async (LoginBody body, AccountService accounts, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            var result = await accounts.LoginAsync(new LoginRequest(body.Email, body.Password, body.Tenant, DeviceToken(body, http)), Client(http), ct).ConfigureAwait(false);
            return result.Challenge is { } challenge
                ? Results.Ok(new SecondFactorResponse(challenge.ChallengeToken, challenge.Methods, challenge.ExpiresAt))
                : Results.Ok(TokenResponse.From(result.Tokens!, time.GetUtcNow()));
        })
        .WithSummary("Signs in with email and password: tokens, or a second-factor challenge.")
        .Produces<TokenResponse>()
        .Produces<SecondFactorResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .AllowAnonymous();

        auth.MapPost("/refresh", async (RefreshBody body, AccountService accounts, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            var tokens = await accounts.RefreshAsync(body.RefreshToken, Client(http), ct).ConfigureAwait(false);
            return Results.Ok(TokenResponse.From(tokens, time.GetUtcNow()));
        })
        .WithSummary("Exchanges a refresh token (once) for new tokens.")
        .Produces<TokenResponse>()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .AllowAnonymous();

        auth.MapPost("/logout", async (ClaimsPrincipal user, AccountService accounts, HttpContext http, CancellationToken ct) =>
        {
            if (!TryGetSession(user, out var userId, out var sessionId))
            {
                return SessionRequired();
            }

            await accounts.LogoutAsync(userId, sessionId, Client(http), ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Ends the current session.")
        .Produces(StatusCodes.Status204NoContent)
        .RequireAuthorization();

        auth.MapGet("/me", async (ClaimsPrincipal user, AccountService accounts, CancellationToken ct) =>
        {
            if (!Guid.TryParse(user.FindFirstValue(AuthClaims.Subject), out var userId))
            {
                return Results.Unauthorized();
            }

            var profile = await accounts.GetProfileAsync(userId, user.FindFirstValue(AuthClaims.Tenant), ct).ConfigureAwait(false);
            return profile is null ? Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "The account no longer exists.") : Results.Ok(profile);
        })
        .WithSummary("The signed-in account.")
        .Produces<UserProfile>()
        .RequireAuthorization();

        auth.MapPost("/password", async (ChangePasswordBody body, ClaimsPrincipal user, AccountService accounts, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            if (!TryGetSession(user, out var userId, out var sessionId))
            {
                return SessionRequired();
            }

            var tokens = await accounts.ChangePasswordAsync(userId, sessionId, body.CurrentPassword, body.NewPassword, Client(http), ct).ConfigureAwait(false);
            return Results.Ok(TokenResponse.From(tokens, time.GetUtcNow()));
        })
        .WithSummary("Changes the password; every other session is revoked and this one gets new tokens.")
        .Produces<TokenResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .RequireAuthorization();
    }

    /// <summary>The header a client may send its remembered-device token in, instead of the login body's <c>deviceToken</c>.</summary>
    internal const string DeviceTokenHeader = "X-Device-Token";

    /// <summary>The device token: the body's <c>deviceToken</c> (primary), else the <c>X-Device-Token</c> header; both, different, is a 400.</summary>
    internal static string? DeviceToken(LoginBody body, HttpContext http)
    {
        var header = http.Request.Headers[DeviceTokenHeader].ToString();
        var fromHeader = string.IsNullOrWhiteSpace(header) ? null : header.Trim();
        var fromBody = string.IsNullOrWhiteSpace(body.DeviceToken) ? null : body.DeviceToken.Trim();
        if (fromBody is not null && fromHeader is not null && !string.Equals(fromBody, fromHeader, StringComparison.Ordinal))
        {
            throw new AuthValidationException("deviceToken", "Send the device token once: in the body's deviceToken or in the X-Device-Token header, not two different ones.");
        }

        return fromBody ?? fromHeader;
    }

    internal static ClientInfo Client(HttpContext http) => new(
        http.Connection.RemoteIpAddress?.ToString(),
        http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
        http.Features.Get<IRequestIdFeature>()?.RequestId ?? http.TraceIdentifier);

    internal static bool TryGetSession(ClaimsPrincipal user, out Guid userId, out Guid sessionId)
    {
        sessionId = Guid.Empty;
        return Guid.TryParse(user.FindFirstValue(AuthClaims.Subject), out userId)
            && Guid.TryParse(user.FindFirstValue(AuthClaims.SessionId), out sessionId);
    }

    internal static IResult SessionRequired() => Results.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "A user session is required",
        detail: "This endpoint needs a signed-in user's access token; API keys cannot use it.");
}
