namespace Foundation.Hosting.Errors;

/// <summary>Error answers, bound from <c>Foundation:Hosting:Errors</c>.</summary>
public sealed class ErrorOptions
{
    /// <summary>
    /// Put the exception's type, message and stack trace in 500 answers. <see langword="null"/> (default)
    /// means: only in Development. Never turn this on in production.
    /// </summary>
    public bool? IncludeExceptionDetails { get; set; }
}
