using System.Security.Claims;
using Foundation.Abstractions.Authorization;
using Foundation.Auth.AccountMail;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Foundation.Auth.Http;

/// <summary><c>POST /api/v1/auth/password/forgot</c> and <c>POST /api/v1/auth/email/confirm/resend</c>.</summary>
/// <param name="Email">The account's address.</param>
/// <param name="Tenant">The tenant; omitted for the default tenant.</param>
public sealed record AccountEmailRequestBody(string? Email, string? Tenant);

/// <summary><c>POST /api/v1/auth/password/reset</c>.</summary>
/// <param name="Token">The token from the reset mail.</param>
/// <param name="NewPassword">The new password.</param>
public sealed record ResetPasswordBody(string? Token, string? NewPassword);

/// <summary><c>POST /api/v1/auth/email/confirm</c>.</summary>
/// <param name="Token">The token from the confirmation mail.</param>
public sealed record ConfirmEmailBody(string? Token);

/// <summary><c>POST /api/v1/auth/email/change</c>.</summary>
/// <param name="NewEmail">The new address; it becomes the account's when the link mailed to it is used.</param>
/// <param name="CurrentPassword">The current password.</param>
public sealed record ChangeEmailBody(string? NewEmail, string? CurrentPassword);

/// <summary>The answer of the account-mail requests: the same whatever the account.</summary>
/// <param name="Message">What happens next.</param>
public sealed record AccountEmailAccepted(string Message);

/// <summary>The answer of <c>POST /api/v1/auth/email/confirm</c>.</summary>
/// <param name="Email">The account's (now confirmed) address.</param>
public sealed record EmailConfirmedResponse(string Email);

/// <summary>The account-mail endpoints, mapped into the <c>/api/v1/auth</c> group (no-store, <see cref="AuthProblemFilter"/>).</summary>
internal static class AccountEmailEndpoints
{
    public const string ForgotAccepted =
        "If an account with this address exists, a link to reset its password has been sent to it. The link works once.";

    public const string ResendAccepted =
        "If an unconfirmed account with this address exists, a new confirmation link has been sent to it.";

    public static void Map(RouteGroupBuilder auth)
    {
        auth.MapPost("/password/forgot", async (AccountEmailRequestBody body, AccountEmailService mail, HttpContext http, CancellationToken ct) =>
        {
            await mail.ForgotPasswordAsync(body.Email, body.Tenant, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Accepted(value: new AccountEmailAccepted(ForgotAccepted));
        })
        .WithSummary("Mails a password-reset link if the address has an account; the answer is the same either way.")
        .Produces<AccountEmailAccepted>(StatusCodes.Status202Accepted)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .AllowAnonymous();

        auth.MapPost("/password/reset", async (ResetPasswordBody body, AccountEmailService mail, HttpContext http, CancellationToken ct) =>
        {
            await mail.ResetPasswordAsync(body.Token, body.NewPassword, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Sets a new password with the token from the reset mail; every session of the account ends.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesValidationProblem()
        .AllowAnonymous();

        auth.MapPost("/email/confirm", async (ConfirmEmailBody body, AccountEmailService mail, HttpContext http, CancellationToken ct) =>
        {
            var profile = await mail.ConfirmEmailAsync(body.Token, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Ok(new EmailConfirmedResponse(profile.Email));
        })
        .WithSummary("Confirms an address with the token from a confirmation mail (a new account's, or a new address).")
        .Produces<EmailConfirmedResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .AllowAnonymous();

        auth.MapPost("/email/confirm/resend", async (AccountEmailRequestBody body, AccountEmailService mail, HttpContext http, CancellationToken ct) =>
        {
            await mail.ResendConfirmationAsync(body.Email, body.Tenant, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Accepted(value: new AccountEmailAccepted(ResendAccepted));
        })
        .WithSummary("Mails a new confirmation link if the address has an unconfirmed account; the answer is the same either way.")
        .Produces<AccountEmailAccepted>(StatusCodes.Status202Accepted)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .AllowAnonymous();

        auth.MapPost("/email/change", async (ChangeEmailBody body, ClaimsPrincipal user, AccountEmailService mail, HttpContext http, CancellationToken ct) =>
        {
            var (userId, _) = AuthEndpointRouteBuilderExtensions.Session(user);
            await mail.RequestEmailChangeAsync(userId, body.CurrentPassword, body.NewEmail, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Accepted(value: new AccountEmailAccepted("A confirmation link has been sent to the new address; the address changes when it is used."));
        })
        .WithSummary("Starts a change of address: a confirmation link goes to the new address.")
        .Produces<AccountEmailAccepted>(StatusCodes.Status202Accepted)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .RequireAuthorization(FoundationPolicies.UserSession);
    }
}
