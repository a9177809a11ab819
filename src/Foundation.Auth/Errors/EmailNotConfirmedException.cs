namespace Foundation.Auth.AccountMail;

/// <summary>A correct password for an account whose e-mail address is not confirmed, while <see cref="AuthOptions.RequireConfirmedEmail"/> is on.</summary>
public sealed class EmailNotConfirmedException : Exception
{
    /// <summary>The message.</summary>
    public const string DefaultMessage =
        "Confirm your e-mail address first: open the link we sent, or ask for a new one with POST /api/v1/auth/email/confirm/resend.";

    /// <summary>Creates the exception.</summary>
    public EmailNotConfirmedException()
        : base(DefaultMessage)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public EmailNotConfirmedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public EmailNotConfirmedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
