using System.Security.Claims;
using Foundation.Abstractions.Authorization;
using Foundation.Auth;
using Foundation.Auth.AccountMail;
using Foundation.Auth.Accounts;
using Foundation.Auth.Authorization;
using Foundation.Auth.Http;
using Foundation.Auth.Tokens;
using Foundation.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.Auth's HTTP API.</summary>
public static class AuthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the whole account API: <see cref="MapFoundationAuthAccountApi"/> (<c>/api/v1/auth</c>),
    /// <see cref="MapFoundationSessionApi"/> (<c>/api/v1/sessions</c>), <see cref="MapFoundationApiKeyApi"/>
    /// (<c>/api/v1/api-keys</c>) and <see cref="MapFoundationOrganizationsApi"/> (<c>/api/v1/organizations</c>,
    /// <c>/api/v1/auth/switch-organization</c>). Returns one group around them, so the host can add policies (rate limits, CORS)
    /// to all of them; map the three one by one to treat them differently.
    /// </summary>
    public static RouteGroupBuilder MapFoundationAuthApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(string.Empty);
        group.MapFoundationAuthAccountApi();
        group.MapFoundationSessionApi();
        group.MapFoundationApiKeyApi();
        group.MapFoundationOrganizationsApi();
        return group;
    }

    /// <summary>
    /// Maps <c>/api/v1/auth</c>: <c>POST /register</c>, <c>POST /login</c> (tokens, or a second-factor challenge),
    /// <c>POST /refresh</c> (anonymous), <c>POST /logout</c> and <c>POST /password</c> (a user session:
    /// <see cref="FoundationPolicies.UserSession"/>) and <c>GET /me</c> (any signed-in caller). Every answer is
    /// <c>Cache-Control: no-store</c>; refusals are problem answers (400 naming the field, 401, 403, 409).
    /// <c>/me</c> and <c>/logout</c> are open to users who must still enrol in two-factor authentication.
    /// Account e-mail (anonymous unless noted): <c>POST /password/forgot</c>, <c>POST /password/reset</c>, <c>POST /email/confirm</c>,
    /// <c>POST /email/confirm/resend</c> and <c>POST /email/change</c> (a user session); see <see cref="AccountEmailService"/>.
    /// </summary>
    public static RouteGroupBuilder MapFoundationAuthAccountApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var auth = endpoints.MapGroup("/api/v1/auth")
            .WithTags("Auth")
            .WithNoStore()
            .AddEndpointFilter<AuthProblemFilter>();

        auth.MapPost("/register", async (RegisterBody body, AccountService accounts, AccountEmailService mail, IOptions<AuthOptions> options, HttpContext http, CancellationToken ct) =>
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

            var user = await accounts.RegisterAsync(new RegisterRequest(body.Email, body.Password, body.Tenant), http.GetClientInfo(), ct).ConfigureAwait(false);
            await mail.SendConfirmationAfterRegistrationAsync(user.Id, http.GetClientInfo(), ct).ConfigureAwait(false);
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
            var result = await accounts.LoginAsync(new LoginRequest(body.Email, body.Password, body.Tenant, DeviceToken(body, http)), http.GetClientInfo(), ct).ConfigureAwait(false);
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
            var tokens = await accounts.RefreshAsync(body.RefreshToken, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Ok(TokenResponse.From(tokens, time.GetUtcNow()));
        })
        .WithSummary("Exchanges a refresh token (once) for new tokens.")
        .Produces<TokenResponse>()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .AllowAnonymous();

        auth.MapPost("/logout", async (ClaimsPrincipal user, AccountService accounts, HttpContext http, CancellationToken ct) =>
        {
            var (userId, sessionId) = Session(user);
            await accounts.LogoutAsync(userId, sessionId, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Ends the current session.")
        .Produces(StatusCodes.Status204NoContent)
        .RequireAuthorization(FoundationPolicies.UserSession)
        .AllowWithoutSecondFactorEnrolment();

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
        .RequireAuthorization()
        .AllowWithoutSecondFactorEnrolment();

        auth.MapPost("/password", async (ChangePasswordBody body, ClaimsPrincipal user, AccountService accounts, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            var (userId, sessionId) = Session(user);
            var tokens = await accounts.ChangePasswordAsync(userId, sessionId, body.CurrentPassword, body.NewPassword, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Ok(TokenResponse.From(tokens, time.GetUtcNow()));
        })
        .WithSummary("Changes the password; every other session is revoked and this one gets new tokens.")
        .Produces<TokenResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .RequireAuthorization(FoundationPolicies.UserSession);

        AccountEmailEndpoints.Map(auth);
        return auth;
    }

    /// <summary>
    /// Maps the organisation API for signed-in users' sessions (<see cref="FoundationPolicies.UserSession"/>):
    /// <c>/api/v1/organizations</c> (<c>GET</c> mine, <c>POST</c> create), <c>/api/v1/organizations/{id}</c> (<c>GET</c>,
    /// <c>PATCH</c>, <c>DELETE</c>), <c>.../{id}/members</c> and <c>.../{id}/members/{userId}</c> (<c>PATCH</c> role,
    /// <c>DELETE</c>), <c>.../{id}/teams</c> (and their members), <c>.../{id}/invitations</c> (create, list, resend, revoke),
    /// <c>POST /api/v1/auth/switch-organization</c> and <c>POST /api/v1/invitations/accept</c> (anonymous allowed). Returns one group around them. Refusals are
    /// problem answers with a <c>code</c> (400 naming the field, 403, 404, 409 <c>last_owner</c>/<c>slug_taken</c>).
    /// </summary>
    public static RouteGroupBuilder MapFoundationOrganizationsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(string.Empty);
        OrganizationEndpoints.Map(group);
        OrganizationEndpoints.MapSwitch(group);
        OrganizationEndpoints.MapAccept(group);
        return group;
    }

    /// <summary>
    /// Maps <c>/api/v1/sessions</c> for a signed-in user's session (<see cref="FoundationPolicies.UserSession"/>; an API key
    /// gets 403 "A user session is required"): <c>GET /</c>, <c>GET /stats</c>, <c>DELETE /{id}</c> and
    /// <c>DELETE /</c> (every other session; <c>?all=true</c>: this one too).
    /// </summary>
    public static RouteGroupBuilder MapFoundationSessionApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return AccountEndpoints.MapSessionEndpoints(endpoints);
    }

    /// <summary>
    /// Maps <c>/api/v1/api-keys</c> for a signed-in user's session (<see cref="FoundationPolicies.UserSession"/>; an API key
    /// cannot manage API keys): <c>POST /</c> (the full key, this once), <c>GET /</c>, <c>GET /{id}</c>,
    /// <c>DELETE /{id}</c>, <c>POST /{id}/activate</c> and <c>POST /{id}/deactivate</c>. Every answer is <c>Cache-Control: no-store</c>.
    /// </summary>
    public static RouteGroupBuilder MapFoundationApiKeyApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return AccountEndpoints.MapApiKeyEndpoints(endpoints);
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

    /// <summary>
    /// The user and session ids of a caller the <see cref="FoundationPolicies.UserSession"/> policy admitted. The policy
    /// guarantees both; a missing one here means the endpoint was mapped without it, a programming error.
    /// </summary>
    internal static (Guid UserId, Guid SessionId) Session(ClaimsPrincipal user) =>
        UserSessionRequirement.TryGetSession(user, out var userId, out var sessionId)
            ? (userId, sessionId)
            : throw new InvalidOperationException("The endpoint requires the UserSession policy, which admits only callers with a user id and a session id.");
}
