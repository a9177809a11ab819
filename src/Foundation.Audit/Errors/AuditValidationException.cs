namespace Foundation.Audit;

/// <summary>
/// Input to Foundation.Audit was invalid: an unknown filter, a backwards range, a forged or foreign page token, a limit out of range.
/// <see cref="Field"/> names the offending field so the HTTP API answers 400 naming it.
/// </summary>
public sealed class AuditValidationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The request field that is wrong, for example <c>pageToken</c>.</param>
    /// <param name="message">What is wrong and what is accepted.</param>
    public AuditValidationException(string field, string message)
        : base(message, field)
    {
        Field = field;
    }

    /// <summary>Creates the exception with no field.</summary>
    public AuditValidationException()
        : this("unknown", "Invalid audit input.")
    {
    }

    /// <summary>Creates the exception with no field.</summary>
    public AuditValidationException(string message)
        : this("unknown", message)
    {
    }

    /// <summary>Creates the exception with no field.</summary>
    public AuditValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "unknown";
    }

    /// <summary>The offending field.</summary>
    public string Field { get; }

    /// <summary>The message without the " (Parameter 'x')" suffix <see cref="ArgumentException"/> adds.</summary>
    public string Reason => base.Message.EndsWith($" (Parameter '{ParamName}')", StringComparison.Ordinal) ? base.Message[..^$" (Parameter '{ParamName}')".Length] : base.Message;
}
