namespace Foundation.Hosting.Logging;

/// <summary>Log output, bound from <c>Foundation:Hosting:Logging</c>.</summary>
public sealed class LoggingSettings
{
    /// <summary>
    /// Write console logs as one JSON object per line, with scopes (request id, user, tenant) included.
    /// Default <see langword="false"/> (the ordinary console format).
    /// </summary>
    public bool Json { get; set; }
}
