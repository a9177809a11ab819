namespace Foundation.Audit;

/// <summary>Foundation.Audit cannot sign checkpoints: no key is configured and no <c>ISecretProtector</c> is registered to keep a generated one.</summary>
public sealed class AuditConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AuditConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AuditConfigurationException()
        : this("Foundation.Audit is misconfigured.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public AuditConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
