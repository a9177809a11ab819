using System.Globalization;
using System.Security.Claims;
using Foundation.Auth;
using Foundation.Auth.Accounts;
using Foundation.Auth.Passwords;
using Foundation.Auth.Storage;
using Foundation.Auth.Totp;
using Foundation.Hosting.Auth;
using Foundation.Hosting.RateLimiting;
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
            if (body.ChallengeToken is not null)
            {
                var challengedUser = accounts.ReadChallenge(body.ChallengeToken)
                    ?? throw new AuthenticationFailedException("The second-factor challenge is invalid or has expired; sign in again.");
                var result = await service.VerifyAsync(challengedUser, body.Code, body.RecoveryCode, ct).ConfigureAwait(false);
                if (!result.Accepted)
                {
                    return RefusedAtLogin(http, result);
                }

                var tokens = await accounts.CompleteSecondFactorAsync(body.ChallengeToken, TotpSecondFactorProvider.FactorName, AuthEndpoints.Client(http), ct).ConfigureAwait(false);
                return Results.Ok(TotpTokenResponse.From(TokenResponse.From(tokens, time.GetUtcNow()), result.RecoveryCodesLeft, result.RecoveryCodesLow));
            }

            if (user.Identity?.IsAuthenticated != true)
            {
                throw new AuthenticationFailedException("Send the challengeToken of the login answer, or sign in for a step-up verification.");
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
        .WithSummary("Checks a code or a recovery code: with challengeToken it completes the login and answers the tokens; signed in, it is a step-up verification.")
        .Produces<TotpTokenResponse>()
        .Produces<TotpStepUpResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .AllowAnonymous();

        totp.MapPost("/disable", async (TotpDisableBody body, ClaimsPrincipal user, TotpService service, AuthDbContext db, IPasswordHasher hasher, CancellationToken ct) =>
        {
            if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
            {
                return AuthEndpoints.SessionRequired();
            }

            if (string.IsNullOrEmpty(body.Password))
            {
                throw new AuthValidationException("password", "The password is required to turn off two-factor authentication.");
            }

            var hash = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.PasswordHash).FirstOrDefaultAsync(ct).ConfigureAwait(false);
            if (hash is null || hasher.Verify(hash, body.Password) == PasswordVerification.Failed)
            {
                throw new AuthenticationFailedException("The password is wrong.");
            }

            await service.DisableAsync(userId, body.Code, body.RecoveryCode, ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Turns TOTP off after checking the password and a code or recovery code; the recovery codes die.")
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
            return Results.Ok(new TotpStatusResponse(status.Enabled, status.EnabledSince, status.RecoveryCodesLeft, status.RecoveryCodesLow, []));
        })
        .WithSummary("The signed-in user's two-factor state. Trusted devices are not built yet: the list is always empty.")
        .Produces<TotpStatusResponse>()
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
