namespace Foundation.Auth.Totp;

/// <summary>The user has no TOTP enrolment in the state the operation needs (no setup to confirm, nothing to verify or disable); nothing changed.</summary>
public sealed class TotpNotEnrolledException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TotpNotEnrolledException()
        : base("Two-factor authentication with an authenticator app is not set up for this user.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TotpNotEnrolledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public TotpNotEnrolledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The setup was started too long ago to be confirmed; start it again. Nothing changed.</summary>
public sealed class TotpSetupExpiredException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TotpSetupExpiredException()
        : base("The authenticator setup has expired; start the setup again and scan the new QR code.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TotpSetupExpiredException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public TotpSetupExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A code that guards an operation (enable, disable, new recovery codes) was refused; see <see cref="Reason"/>.</summary>
public sealed class TotpCodeRefusedException : Exception
{
    /// <summary>Creates the exception for an invalid code.</summary>
    public TotpCodeRefusedException()
        : this(TotpRefusalReason.Invalid)
    {
    }

    /// <summary>Creates the exception for <paramref name="reason"/>.</summary>
    public TotpCodeRefusedException(TotpRefusalReason reason)
        : base(MessageOf(reason)) => Reason = reason;

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TotpCodeRefusedException(string message)
        : base(message) => Reason = TotpRefusalReason.Invalid;

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public TotpCodeRefusedException(string message, Exception innerException)
        : base(message, innerException) => Reason = TotpRefusalReason.Invalid;

    /// <summary>Why the code was refused.</summary>
    public TotpRefusalReason Reason { get; }

    private static string MessageOf(TotpRefusalReason reason) => reason switch
    {
        TotpRefusalReason.Replayed => "This code was already used; wait for the next one.",
        TotpRefusalReason.Blocked => "Too many wrong codes; try again later.",
        TotpRefusalReason.NotEnrolled => "Two-factor authentication with an authenticator app is not set up for this user.",
        _ => "The code is wrong.",
    };
}
