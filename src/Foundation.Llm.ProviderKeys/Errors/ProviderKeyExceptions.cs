namespace Foundation.Llm.Routing.Storage;

/// <summary>A provider-key request is invalid; <see cref="Field"/> names the input (HTTP 400).</summary>
public sealed class ProviderKeyValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProviderKeyValidationException()
        : this("request", "The request is invalid.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public ProviderKeyValidationException(string message)
        : this("request", message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ProviderKeyValidationException(string message, Exception? innerException)
        : base(message, innerException) => Field = "request";

    /// <summary>Creates the exception.</summary>
    /// <param name="field">The request field at fault (<c>apiKey</c>, <c>baseUrl</c>).</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    public ProviderKeyValidationException(string field, string message)
        : base(message) => Field = field;

    /// <summary>The request field at fault.</summary>
    public string Field { get; }
}

/// <summary>The caller may see the key but not change it: tenant-wide keys are managed by admins (HTTP 403).</summary>
public sealed class ProviderKeyForbiddenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProviderKeyForbiddenException()
        : this("Only an admin or owner of the tenant may manage tenant-wide provider keys.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused.</param>
    public ProviderKeyForbiddenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public ProviderKeyForbiddenException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
