namespace Foundation.Costing;

/// <summary>
/// Input to Foundation.Costing was invalid: a negative price, an unknown dimension or scope, a bad range or time zone, an absurd
/// limit. <see cref="Field"/> names the offending field, so an HTTP layer can answer 400 naming it; nothing was stored.
/// </summary>
public sealed class CostingValidationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The field (request or configuration key) that is wrong, for example <c>inputPerMillion</c>.</param>
    /// <param name="message">What is wrong and what is accepted.</param>
    public CostingValidationException(string field, string message)
        : base(message, field)
    {
        Field = field;
    }

    /// <summary>Creates the exception with no field.</summary>
    public CostingValidationException()
        : this("unknown", "Invalid costing input.")
    {
    }

    /// <summary>Creates the exception with no field.</summary>
    public CostingValidationException(string message)
        : this("unknown", message)
    {
    }

    /// <summary>Creates the exception with no field.</summary>
    public CostingValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "unknown";
    }

    /// <summary>The offending field.</summary>
    public string Field { get; }
}
