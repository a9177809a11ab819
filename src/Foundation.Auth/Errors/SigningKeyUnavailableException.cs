namespace Foundation.Auth.Tokens;

/// <summary>
/// A token-signing key in the store cannot be used by this instance: its protected material cannot be unprotected
/// (instances that share the signing-key store do not share the Data Protection key ring) or cannot be loaded.
/// An operator's problem, not the caller's: Foundation.Hosting answers it with 503 <c>secret_unavailable</c> and logs
/// this message, which says what to fix.
/// </summary>
public sealed class SigningKeyUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SigningKeyUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SigningKeyUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SigningKeyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
