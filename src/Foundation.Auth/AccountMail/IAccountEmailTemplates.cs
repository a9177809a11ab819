using Foundation.Email;

namespace Foundation.Auth.AccountMail;

/// <summary>
/// The account mails Foundation.Auth sends. Register your own (before or after <c>AddFoundationAuth</c>, it is added with
/// TryAdd) to change wording, language or layout; keep the token out of anything but the message itself.
/// </summary>
public interface IAccountEmailTemplates
{
    /// <summary>The password-reset message (category <c>password-reset</c>).</summary>
    EmailMessage PasswordReset(AccountEmailContext context);

    /// <summary>The confirmation of a new account's address (category <c>email-confirmation</c>).</summary>
    EmailMessage EmailConfirmation(AccountEmailContext context);

    /// <summary>The confirmation of a new address, sent to it (category <c>email-change</c>).</summary>
    EmailMessage EmailChange(AccountEmailContext context);

    /// <summary>The notice to the old address that the account's address was changed (category <c>email-changed</c>).</summary>
    EmailMessage EmailChanged(AccountEmailContext context);
}
