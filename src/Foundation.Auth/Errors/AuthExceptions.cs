namespace Foundation.Auth;

/// <summary>Credentials were refused: wrong email or password, locked out, disabled, or an invalid token.</summary>
/// <remarks>The message is deliberately the same whatever the reason, so it reveals nothing about the account.</remarks>
public sealed class AuthenticationFailedException : Exception
{
    /// <summary>The message every failed login gets.</summary>
    public const string LoginMessage =
        "The email or password is wrong, or the account is temporarily locked after too many failed attempts.";

    /// <summary>Creates the exception with the login message.</summary>
    public AuthenticationFailedException()
        : base(LoginMessage)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AuthenticationFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AuthenticationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The request conflicts with existing data, such as an email already registered in the tenant.</summary>
public sealed class AuthConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AuthConflictException()
        : base("The request conflicts with existing data.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AuthConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AuthConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
