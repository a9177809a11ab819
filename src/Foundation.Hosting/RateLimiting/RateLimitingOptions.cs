namespace Foundation.Hosting.RateLimiting;

/// <summary>
/// Rate limits per client IP and endpoint group, bound from <c>Foundation:Hosting:RateLimiting</c>.
/// Each (group, client IP) pair has its own fixed window.
/// </summary>
public sealed class RateLimitingOptions
{
    /// <summary>Whether requests are limited. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Every endpoint not in another group: 100 requests a minute by default.</summary>
    public RateLimitRule General { get; set; } = new() { PermitLimit = 100 };

    /// <summary>Endpoints under <see cref="ApiPathPrefixes"/>: 60 requests a minute by default.</summary>
    public RateLimitRule Api { get; set; } = new() { PermitLimit = 60 };

    /// <summary>Endpoints under <see cref="AuthPathPrefixes"/>: 10 requests a minute by default.</summary>
    public RateLimitRule Auth { get; set; } = new() { PermitLimit = 10 };

    /// <summary>
    /// The LLM endpoints (<c>/v1/chat/completions</c>, <c>/v1/models</c>, <c>/api/v1/llm/chat</c>, which declare the group):
    /// 600 requests a minute by default. Each call may cost money at the provider: size it to your budget.
    /// </summary>
    public RateLimitRule Llm { get; set; } = new() { PermitLimit = 600 };

    /// <summary>Path prefixes of the API group. Default <c>/api</c> and <c>/v1</c>.</summary>
    public List<string> ApiPathPrefixes { get; set; } = ["/api", "/v1"];

    /// <summary>
    /// Path prefixes of the auth group (checked before the API group).
    /// Default <c>/api/v1/auth</c> and <c>/api/v1/totp</c>.
    /// </summary>
    public List<string> AuthPathPrefixes { get; set; } = ["/api/v1/auth", "/api/v1/totp"];
}

/// <summary>One group's limit, bound from <c>Foundation:Hosting:RateLimiting:{General|Api|Auth}</c>.</summary>
public sealed class RateLimitRule
{
    /// <summary>Requests allowed per window per client IP. Must be at least 1.</summary>
    public int PermitLimit { get; set; } = 100;

    /// <summary>The window length in seconds. Default 60; must be at least 1.</summary>
    public int WindowSeconds { get; set; } = 60;
}
