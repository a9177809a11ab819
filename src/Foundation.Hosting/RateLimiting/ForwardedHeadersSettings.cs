namespace Foundation.Hosting.RateLimiting;

/// <summary>
/// Which proxies may tell us the client's address, bound from <c>Foundation:Hosting:ForwardedHeaders</c>.
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are honoured only when the direct peer is listed here;
/// by default nobody is trusted, so a client cannot forge its address to dodge rate limits.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Addresses of trusted reverse proxies, such as <c>10.0.0.5</c>.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Networks of trusted reverse proxies in CIDR form, such as <c>10.0.0.0/8</c>.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>How many proxy hops to unwind. Default 1.</summary>
    public int ForwardLimit { get; set; } = 1;
}
