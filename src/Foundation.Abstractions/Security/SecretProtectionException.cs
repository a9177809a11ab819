namespace Foundation.Security;

/// <summary>A protected secret could not be read back: tampered, made for another purpose, or its key is gone.</summary>
public sealed class SecretProtectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SecretProtectionException()
        : base("The protected secret could not be read.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SecretProtectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SecretProtectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
