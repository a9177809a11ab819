namespace Foundation.Auth.Organizations;

/// <summary>
/// A refusal of an organisation operation with its own HTTP status: 403 (the caller's role does not allow it),
/// 404 (no such organisation or member, or the caller is not a member), 409 (the last owner, a slug taken, already a
/// member), 410 (gone). <see cref="Http.AuthProblemFilter"/> answers it as a problem with <c>code</c> (and <c>field</c>).
/// </summary>
public sealed class OrganizationRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">A stable machine-readable reason, such as <c>last_owner</c>.</param>
    /// <param name="message">What happened and what to do, for a person.</param>
    /// <param name="field">The request field at fault, if one is.</param>
    public OrganizationRefusedException(int statusCode, string code, string message, string? field = null)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        Field = field;
    }

    /// <summary>Creates the exception (403, <c>forbidden</c>).</summary>
    public OrganizationRefusedException()
        : this(403, OrganizationRefusalCodes.Forbidden, "The operation is not allowed.")
    {
    }

    /// <summary>Creates the exception (403, <c>forbidden</c>).</summary>
    public OrganizationRefusedException(string message)
        : this(403, OrganizationRefusalCodes.Forbidden, message)
    {
    }

    /// <summary>Creates the exception (403, <c>forbidden</c>) with its cause.</summary>
    public OrganizationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 403;
        Code = OrganizationRefusalCodes.Forbidden;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The machine-readable reason.</summary>
    public string Code { get; }

    /// <summary>The request field at fault, if one is.</summary>
    public string? Field { get; }
}
