using Foundation.Auth.Storage;

namespace Foundation.Auth.AccountMail;

/// <summary>The purposes of <see cref="AccountTokenRecord"/>s.</summary>
public static class AccountTokenPurposes
{
    /// <summary>A password reset.</summary>
    public const string PasswordReset = "password-reset";

    /// <summary>The confirmation of the account's address.</summary>
    public const string EmailConfirmation = "email-confirmation";

    /// <summary>The confirmation of a new address.</summary>
    public const string EmailChange = "email-change";
}
