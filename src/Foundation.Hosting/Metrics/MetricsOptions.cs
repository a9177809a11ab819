namespace Foundation.Hosting.Metrics;

/// <summary>
/// The Prometheus <c>/metrics</c> endpoint, bound from <c>Foundation:Hosting:Metrics</c> and validated when the host starts.
/// </summary>
public sealed class MetricsOptions
{
    /// <summary>Whether <c>/metrics</c> is mapped. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The path the exposition is served at; must start with <c>/</c>. Default <c>/metrics</c>.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// Client addresses allowed to scrape: IP addresses (<c>10.1.2.3</c>, <c>::1</c>) or CIDR ranges
    /// (<c>10.0.0.0/8</c>, <c>fd00::/8</c>); IPv4-mapped IPv6 clients match IPv4 entries. Empty (the default) allows every
    /// address. When set, other clients get 403.
    /// </summary>
    public IList<string> AllowedIPs { get; set; } = new List<string>();

    /// <summary>
    /// A shared secret (at least 16 characters) the scraper must send as <c>Authorization: Bearer &lt;key&gt;</c> or in the
    /// <c>X-Metrics-Key</c> header; otherwise 401. <see langword="null"/> or empty (the default) requires no key.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Meter names exported in addition to <c>Foundation</c>, <c>Foundation.*</c>, <c>Microsoft.AspNetCore.Hosting</c>,
    /// <c>Microsoft.AspNetCore.Server.Kestrel</c> and <c>System.Runtime</c>. An exact name, or a prefix ending in
    /// <c>*</c> (<c>MyCompany.*</c>). Default empty.
    /// </summary>
    public IList<string> Meters { get; set; } = new List<string>();
}
