namespace Foundation.Hosting.Correlation;

/// <summary>Request correlation, bound from <c>Foundation:Hosting:RequestId</c>.</summary>
public sealed class RequestIdOptions
{
    /// <summary>The header read from requests and written on responses. Default <c>X-Request-ID</c>.</summary>
    public string HeaderName { get; set; } = "X-Request-ID";

    /// <summary>
    /// Whether a well-formed incoming id (at most 128 characters of <c>[A-Za-z0-9._-]</c>) is kept.
    /// Default <see langword="true"/>; when off, every request gets a fresh id.
    /// </summary>
    public bool AcceptIncoming { get; set; } = true;
}
