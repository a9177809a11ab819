using System.Globalization;
using System.Security.Claims;
using Foundation.Auth;
using Foundation.Auth.Accounts;
using Foundation.Auth.Tokens;
using Foundation.Auth.Storage;
using Foundation.Auth.Totp;
using Foundation.Hosting.Auth;
using Foundation.Hosting.RateLimiting;
using Foundation.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Hosting.Totp;

/// <summary>The two-factor (authenticator app) endpoints under <c>/api/v1/totp</c>.</summary>
internal static class TotpEndpoints
{
    public static void MapTotpEndpoints(IEndpointRouteBuilder endpoints)
    {
        var totp = endpoints.MapGroup("/api/v1/totp")
            .WithTags("Two-factor authentication")
            .WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Auth))
            .WithNoStore()
            .AddEndpointFilter<AuthProblemFilter>()
            .AddEndpointFilter<TotpProblemFilter>();

        totp.MapPost("/setup", async (ClaimsPrincipal user, TotpService service, AuthDbContext db, CancellationToken ct) =>
        {
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

            var account = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Email, u.TenantId })
                .FirstOrDefaultAsync(ct).ConfigureAwait(false)
                ?? throw new AuthenticationFailedException("The account no longer exists.");
            var tenant = account.TenantId;
            var setup = await service.BeginSetupAsync(userId, tenant, account.Email, ct).ConfigureAwait(false);
            return Results.Ok(new TotpSetupResponse(setup.Secret, setup.OtpAuthUri, setup.QrCodePngDataUri, setup.ExpiresAt));
        })
        .WithSummary("Starts (or restarts) the setup: a new secret to scan, valid until expiresAt.")
        .Produces<TotpSetupResponse>()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .RequireAuthorization();

        totp.MapGet("/setup/qr.svg", async (ClaimsPrincipal user, TotpService service, AuthDbContext db, CancellationToken ct) =>
        {
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

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
        .RequireAuthorization();

        totp.MapPost("/enable", async (TotpCodeBody body, ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

            var codes = await service.EnableAsync(userId, body.Code ?? string.Empty, ct).ConfigureAwait(false);
            return Results.Ok(new TotpRecoveryCodesResponse(codes));
        })
        .WithSummary("Confirms the setup with a code from the app and enables TOTP; answers the recovery codes, shown once.")
        .Produces<TotpRecoveryCodesResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status410Gone)
        .RequireAuthorization();

        totp.MapPost("/verify", async (TotpVerifyBody body, ClaimsPrincipal user, TotpService service, AccountService accounts, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            // Bad input is refused before any code is checked, so nothing changes.
            var deviceName = TotpService.ValidateDeviceName(body.DeviceName);
            var remember = body.RememberDevice == true;
            if (body.ChallengeToken is not null)
            {
                // A challenge that already completed a login is refused before the code is spent.
                var challengedUser = await accounts.ReadUnusedChallengeAsync(body.ChallengeToken, ct).ConfigureAwait(false)
                    ?? throw new AuthenticationFailedException("The second-factor challenge is invalid, has expired or was already used; sign in again.");
                var result = await service.VerifyAsync(challengedUser, body.Code, body.RecoveryCode, ct).ConfigureAwait(false);
                if (!result.Accepted)
                {
                    return RefusedAtLogin(http, result);
                }

                var client = AuthEndpoints.Client(http);
                var tokens = await accounts.CompleteSecondFactorAsync(body.ChallengeToken, TotpSecondFactorProvider.FactorName, client, ct).ConfigureAwait(false);
                var answer = TotpTokenResponse.From(TokenResponse.From(tokens, time.GetUtcNow()), result.RecoveryCodesLeft, result.RecoveryCodesLow);
                if (remember)
                {
                    var grant = await service.TrustDeviceAsync(challengedUser, deviceName, client.UserAgent, ct).ConfigureAwait(false);
                    answer = answer with { DeviceToken = grant.Token, DeviceId = grant.Device.Id, DeviceTokenExpiresAt = grant.Device.ExpiresAt };
                }

                return Results.Ok(answer);
            }

            if (user.Identity?.IsAuthenticated != true)
            {
                throw new AuthenticationFailedException("Send the challengeToken of the login answer, or sign in for a step-up verification.");
            }

            if (remember)
            {
                throw new AuthValidationException("rememberDevice", "A device can be remembered only when completing a login (with challengeToken), not in a step-up verification.");
            }

            if (!AuthEndpoints.TryGetSession(user, out var userId, out var sessionId))
            {
                return AuthEndpoints.SessionRequired();
            }

            var stepUp = await service.VerifyAsync(userId, body.Code, body.RecoveryCode, ct).ConfigureAwait(false);
            if (!stepUp.Accepted)
            {
                return stepUp.BlockedUntil is { } until
                    ? Blocked(http, until)
                    : TotpProblemFilter.Refused(StatusCodes.Status400BadRequest, stepUp.Reason, new TotpCodeRefusedException(stepUp.Reason).Message);
            }

            if (!await accounts.MarkSecondFactorVerifiedAsync(userId, sessionId, ct).ConfigureAwait(false))
            {
                throw new AuthenticationFailedException("The current session has ended; sign in again.");
            }

            return Results.Ok(new TotpStepUpResponse(true, stepUp.RecoveryCodesLeft, stepUp.RecoveryCodesLow));
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
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

            if (string.IsNullOrEmpty(body.Password))
            {
                throw new AuthValidationException("password", "The password is required to turn off two-factor authentication.");
            }

            // A wrong password counts toward the account lockout, like a failed login.
            await accounts.VerifyPasswordAsync(userId, body.Password, AuthEndpoints.Client(http), ct).ConfigureAwait(false);
            await service.DisableAsync(userId, body.Code, body.RecoveryCode, ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Turns TOTP off after checking the password (wrong ones count toward the lockout) and a code or recovery code; the recovery codes and trusted devices die.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .RequireAuthorization();

        totp.MapGet("/status", async (ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

            var status = await service.GetStatusAsync(userId, ct).ConfigureAwait(false);
            var devices = await service.ListTrustedDevicesAsync(userId, ct).ConfigureAwait(false);
            return Results.Ok(new TotpStatusResponse(
                status.Enabled, status.EnabledSince, status.RecoveryCodesLeft, status.RecoveryCodesLow, [.. devices.Select(TotpTrustedDeviceResponse.From)]));
        })
        .WithSummary("The signed-in user's two-factor state, with the trusted devices.")
        .Produces<TotpStatusResponse>()
        .RequireAuthorization();

        totp.MapDelete("/trusted-devices/{id}", async (string id, ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

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
        .RequireAuthorization();

        totp.MapDelete("/trusted-devices", async (ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

            var revoked = await service.RevokeTrustedDevicesAsync(userId, "requested", ct).ConfigureAwait(false);
            return Results.Ok(new TotpTrustedDevicesRevokedResponse(revoked));
        })
        .WithSummary("Revokes every trusted device of the signed-in user.")
        .Produces<TotpTrustedDevicesRevokedResponse>()
        .RequireAuthorization();

        totp.MapPost("/backup-codes", async (TotpCodeBody body, ClaimsPrincipal user, TotpService service, CancellationToken ct) =>
        {
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

            // A missing code is a missing code, not a request for the recovery-code path.
            var codes = await service.RegenerateRecoveryCodesAsync(userId, body.Code ?? string.Empty, null, ct).ConfigureAwait(false);
            return Results.Ok(new TotpRecoveryCodesResponse(codes));
        })
        .WithSummary("Replaces the recovery codes after checking a code from the app; the old codes die.")
        .Produces<TotpRecoveryCodesResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .RequireAuthorization();
    }

    internal static string ReasonName(TotpRefusalReason reason) => reason switch
    {
        TotpRefusalReason.Replayed => "replayed",
        TotpRefusalReason.Blocked => "blocked",
        TotpRefusalReason.NotEnrolled => "notEnrolled",
        _ => "invalid",
    };

    internal static IResult Blocked(HttpContext http, DateTimeOffset? blockedUntil)
    {
        // AddFoundation always registers a TimeProvider (AddFoundationDefaults).
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (blockedUntil is { } until)
        {
            var seconds = (long)Math.Ceiling(Math.Max(1, (until - now).TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many wrong codes",
            Detail = "Too many wrong codes; second-factor attempts are refused until the block ends.",
        };
        problem.Extensions["reason"] = ReasonName(TotpRefusalReason.Blocked);
        if (blockedUntil is not null)
        {
            problem.Extensions["blockedUntil"] = blockedUntil;
        }

        return Results.Problem(problem);
    }

    private static IResult RefusedAtLogin(HttpContext http, TotpVerificationResult result)
    {
        if (result.BlockedUntil is { } until)
        {
            return Blocked(http, until);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return TotpProblemFilter.Refused(StatusCodes.Status401Unauthorized, result.Reason, new TotpCodeRefusedException(result.Reason).Message);
    }
}
