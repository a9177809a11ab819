namespace Foundation.Email;

/// <summary>An <see cref="IEmailSender"/> could not deliver a message (server unreachable, refused, timed out).</summary>
public sealed class EmailDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EmailDeliveryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EmailDeliveryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public EmailDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
