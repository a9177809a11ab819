namespace Foundation.Auth.AccountMail;

/// <summary>Password reset, e-mail confirmation and change of e-mail, bound from <c>Foundation:Auth:AccountEmail</c>.</summary>
public sealed class AccountEmailOptions
{
    /// <summary>
    /// The public address of the front end the links in account mail open, such as <c>https://app.example.com</c>. Default
    /// none: messages carry the token without a link (the reader pastes it). Behind a proxy this is the address users see.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The front-end path of the password-reset page; the link adds <c>?token=...</c>. Default <c>/reset-password</c>.</summary>
    public string ResetPasswordPath { get; set; } = "/reset-password";

    /// <summary>The front-end path of the e-mail confirmation page; the link adds <c>?token=...</c>. Default <c>/confirm-email</c>.</summary>
    public string ConfirmEmailPath { get; set; } = "/confirm-email";

    /// <summary>How long a password-reset token works. Default 30 minutes; 5 minutes to 24 hours.</summary>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a confirmation token (new account or new address) works. Default 2 days; 10 minutes to 30 days.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Whether <c>POST /api/v1/auth/register</c> mails a confirmation link. Default <see langword="true"/> (when an e-mail sender is registered).</summary>
    public bool SendConfirmationOnRegistration { get; set; } = true;

    /// <summary>
    /// How many account mails of one kind one account may be sent within the token's lifetime; further requests answer the
    /// same but send nothing (no mail bombing through the anonymous endpoints from many addresses). Default 5; 1 to 100.
    /// </summary>
    public int MaxMessagesPerLifetime { get; set; } = 5;

    /// <summary>The name of the service in the messages' subjects and greetings. Default <c>Foundation</c>.</summary>
    public string ServiceName { get; set; } = "Foundation";
}
