using System.Security.Claims;
using Foundation.Abstractions.Authorization;
using Foundation.Auth;
using Foundation.Auth.Accounts;
using Foundation.Auth.Authorization;
using Foundation.Auth.Http;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Foundation.Auth.Totp;
using Foundation.Auth.Totp.Authorization;
using Foundation.Auth.Totp.Http;
using Foundation.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.Auth.Totp's HTTP API.</summary>
public static class TotpEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/api/v1/totp</c>: for a signed-in user's session (<see cref="FoundationPolicies.UserSession"/>; an API key gets
    /// 403 "A user session is required") <c>POST /setup</c>, <c>GET /setup/qr.svg</c>, <c>POST /enable</c>,
    /// <c>POST /disable</c>, <c>GET /status</c>, <c>DELETE /trusted-devices/{id}</c>, <c>DELETE /trusted-devices</c> and
    /// <c>POST /backup-codes</c>; and <c>POST /verify</c>, which completes a login with the login's <c>challengeToken</c>
    /// (anonymous, through <see cref="TwoFactorLoginService"/>) or is a step-up verification of a signed-in user. Every
    /// answer is <c>Cache-Control: no-store</c>; refusals are problem answers (400 naming the field or the code's
    /// <c>reason</c>, 401, 409 not enrolled, 410 setup expired, 429 with <c>Retry-After</c> when blocked). The enrolment
    /// endpoints are open to users who must still enrol (<c>UseFoundationSecondFactorEnrolment()</c>). Needs
    /// <c>AddFoundationAuth</c> and <c>AddFoundationTotp</c>; returns the group, so the host can add policies.
    /// </summary>
    public static RouteGroupBuilder MapFoundationTotpApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var totp = endpoints.MapGroup("/api/v1/totp")
            .WithTags("Two-factor authentication")
            .WithNoStore()
            .AddEndpointFilter<AuthProblemFilter>()
            .AddEndpointFilter<TotpProblemFilter>();

        totp.MapPost("/setup", async (ClaimsPrincipal user, TotpService service, AuthDbContext db, CancellationToken ct) =>
        {
            var userId = UserId(user);
            var account = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Email, u.TenantId })
                .FirstOrDefaultAsync(ct).ConfigureAwait(false)
                ?? throw new AuthenticationFailedException("The account no longer exists.");
            var setup = await service.BeginSetupAsync(userId, account.TenantId, account.Email, ct).ConfigureAwait(false);
            return Results.Ok(new TotpSetupResponse(setup.Secret, setup.OtpAuthUri, setup.QrCodePngDataUri, setup.ExpiresAt));
        })
        .WithSummary("Starts (or restarts) the setup: a new secret to scan, valid until expiresAt.")
        .Produces<TotpSetupResponse>()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .RequireAuthorization(FoundationPolicies.UserSession)
        .AllowWithoutSecondFactorEnrolment();

        totp.MapGet("/setup/qr.svg", async (ClaimsPrincipal user, TotpService service, AuthDbContext db, CancellationToken ct) =>
        {
            var userId = UserId(user);
            var email = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct).ConfigureAwait(false)
                ?? throw new AuthenticationFailedException("The account no longer exists.");
            var setup = await service.GetPendingSetupAsync(userId, email, ct).ConfigureAwait(false);
            return setup is null
                ? Results.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "No setup is pending",
                    detail: "No authenticator setup is pending (none was started, it expired or it was confirmed); start the setup with POST /api/v1/totp/setup.")
                : Results.Text(setup.QrCodeSvg, "image/svg+xml", System.Text.Encoding.UTF8);
        })
        .WithSummary("The pending setup's QR code as SVG.")
        .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
        .ProducesProblem(StatusCodes.Status404NotFound)
        .RequireAuthorization(FoundationPolicies.UserSession)
        .AllowWithoutSecondFactorEnrolment();

        totp.MapPost("/enable", async (TotpCodeBody body, ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            var codes = await service.EnableAsync(UserId(user), body.Code ?? string.Empty, ct).ConfigureAwait(false);
            return Results.Ok(new TotpRecoveryCodesResponse(codes));
        })
        .WithSummary("Confirms the setup with a code from the app and enables TOTP; answers the recovery codes, shown once.")
        .Produces<TotpRecoveryCodesResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status410Gone)
        .RequireAuthorization(FoundationPolicies.UserSession)
        .AllowWithoutSecondFactorEnrolment()
        .WithMetadata(SecondFactorEnrolmentChangeMetadata.Instance);

        totp.MapPost("/verify", async (TotpVerifyBody body, ClaimsPrincipal user, TwoFactorLoginService logins, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            if (body.ChallengeToken is not null)
            {
                var login = await logins.CompleteLoginAsync(
                    new TwoFactorLoginRequest(body.ChallengeToken, body.Code, body.RecoveryCode, body.RememberDevice == true, body.DeviceName),
                    http.GetClientInfo(),
                    ct).ConfigureAwait(false);
                if (!login.Succeeded)
                {
                    return TotpProblemFilter.RefusedAtLogin(http, login.Verification);
                }

                var answer = TotpTokenResponse.From(
                    TokenResponse.From(login.Tokens!, time.GetUtcNow()), login.Verification.RecoveryCodesLeft, login.Verification.RecoveryCodesLow);
                if (login.TrustedDevice is { } grant)
                {
                    answer = answer with { DeviceToken = grant.Token, DeviceId = grant.Device.Id, DeviceTokenExpiresAt = grant.Device.ExpiresAt };
                }

                return Results.Ok(answer);
            }

            // Bad input is refused before any code is checked, so nothing changes.
            TotpService.ValidateDeviceName(body.DeviceName);
            if (user.Identity?.IsAuthenticated != true)
            {
                throw new AuthenticationFailedException("Send the challengeToken of the login answer, or sign in for a step-up verification.");
            }

            if (body.RememberDevice == true)
            {
                throw new AuthValidationException("rememberDevice", "A device can be remembered only when completing a login (with challengeToken), not in a step-up verification.");
            }

            // Anonymous callers may complete a login here, so the UserSession policy cannot guard the endpoint: a step-up
            // needs a session, which an API key has not.
            if (!UserSessionRequirement.TryGetSession(user, out var userId, out var sessionId))
            {
                return ProblemResponses.SessionRequired();
            }

            var stepUp = await logins.StepUpAsync(userId, sessionId, body.Code, body.RecoveryCode, ct).ConfigureAwait(false);
            return stepUp.Accepted
                ? Results.Ok(new TotpStepUpResponse(true, stepUp.RecoveryCodesLeft, stepUp.RecoveryCodesLow))
                : TotpProblemFilter.RefusedAtStepUp(http, stepUp);
        })
        .WithSummary("Checks a code or a recovery code: with challengeToken it completes the login and answers the tokens (and a deviceToken with rememberDevice); signed in, it is a step-up verification.")
        .Produces<TotpTokenResponse>()
        .Produces<TotpStepUpResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .AllowAnonymous();

        totp.MapPost("/disable", async (TotpDisableBody body, ClaimsPrincipal user, TotpService service, AccountService accounts, HttpContext http, CancellationToken ct) =>
        {
            var userId = UserId(user);
            if (string.IsNullOrEmpty(body.Password))
            {
                throw new AuthValidationException("password", "The password is required to turn off two-factor authentication.");
            }

            // A wrong password counts toward the account lockout, like a failed login.
            await accounts.VerifyPasswordAsync(userId, body.Password, http.GetClientInfo(), ct).ConfigureAwait(false);
            await service.DisableAsync(userId, body.Code, body.RecoveryCode, ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Turns TOTP off after checking the password (wrong ones count toward the lockout) and a code or recovery code; the recovery codes and trusted devices die.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .RequireAuthorization(FoundationPolicies.UserSession)
        .WithMetadata(SecondFactorEnrolmentChangeMetadata.Instance);

        totp.MapGet("/status", async (ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            var userId = UserId(user);
            var status = await service.GetStatusAsync(userId, ct).ConfigureAwait(false);
            var devices = await service.ListTrustedDevicesAsync(userId, ct).ConfigureAwait(false);
            return Results.Ok(new TotpStatusResponse(
                status.Enabled, status.EnabledSince, status.RecoveryCodesLeft, status.RecoveryCodesLow, [.. devices.Select(TotpTrustedDeviceResponse.From)]));
        })
        .WithSummary("The signed-in user's two-factor state, with the trusted devices.")
        .Produces<TotpStatusResponse>()
        .RequireAuthorization(FoundationPolicies.UserSession)
        .AllowWithoutSecondFactorEnrolment();

        totp.MapDelete("/trusted-devices/{id}", async (string id, ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            var userId = UserId(user);
            if (!Guid.TryParse(id, out var deviceId))
            {
                throw new AuthValidationException("id", "The device id must be a GUID, as listed by GET /api/v1/totp/status.");
            }

            var tenant = user.FindFirstValue(AuthClaims.Tenant) ?? string.Empty;
            return await service.RevokeTrustedDeviceAsync(userId, tenant, deviceId, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : Results.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "No such trusted device",
                    detail: "You have no trusted device with this id (it was revoked, expired or never existed); GET /api/v1/totp/status lists them.");
        })
        .WithSummary("Revokes one trusted device: logins from it need the code again.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .RequireAuthorization(FoundationPolicies.UserSession);

        totp.MapDelete("/trusted-devices", async (ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            var revoked = await service.RevokeTrustedDevicesAsync(UserId(user), "requested", ct).ConfigureAwait(false);
            return Results.Ok(new TotpTrustedDevicesRevokedResponse(revoked));
        })
        .WithSummary("Revokes every trusted device of the signed-in user.")
        .Produces<TotpTrustedDevicesRevokedResponse>()
        .RequireAuthorization(FoundationPolicies.UserSession);

        totp.MapPost("/backup-codes", async (TotpCodeBody body, ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            // A missing code is a missing code, not a request for the recovery-code path.
            var codes = await service.RegenerateRecoveryCodesAsync(UserId(user), body.Code ?? string.Empty, null, ct).ConfigureAwait(false);
            return Results.Ok(new TotpRecoveryCodesResponse(codes));
        })
        .WithSummary("Replaces the recovery codes after checking a code from the app; the old codes die.")
        .Produces<TotpRecoveryCodesResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .RequireAuthorization(FoundationPolicies.UserSession);

        return totp;
    }

    /// <summary>
    /// The user id of a caller the <see cref="FoundationPolicies.UserSession"/> policy admitted; a missing one means the
    /// endpoint was mapped without the policy, a programming error.
    /// </summary>
    private static Guid UserId(ClaimsPrincipal user) =>
        UserSessionRequirement.TryGetSession(user, out var userId, out _)
            ? userId
            : throw new InvalidOperationException("The endpoint requires the UserSession policy, which admits only callers with a user id and a session id.");
}
