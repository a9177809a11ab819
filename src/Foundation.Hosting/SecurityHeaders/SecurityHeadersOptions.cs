namespace Foundation.Hosting.SecurityHeaders;

/// <summary>Security response headers, bound from <c>Foundation:Hosting:SecurityHeaders</c>.</summary>
public sealed class SecurityHeadersOptions
{
    /// <summary>The strict default policy: same-origin everything, no plugins, no framing, no inline script.</summary>
    public const string DefaultContentSecurityPolicy =
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; img-src 'self' data:";

    /// <summary>Whether the headers are added. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The <c>Content-Security-Policy</c> for every path without an override. Empty sends none.</summary>
    public string ContentSecurityPolicy { get; set; } = DefaultContentSecurityPolicy;

    /// <summary>
    /// Per-path policies: a path prefix (such as <c>/dashboard</c>) and the policy for it; the longest matching
    /// prefix wins; an empty policy sends no header for that prefix.
    /// </summary>
    public Dictionary<string, string> ContentSecurityPolicyOverrides { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Send the policy as <c>Content-Security-Policy-Report-Only</c> (to trial a policy). Default <see langword="false"/>.</summary>
    public bool ContentSecurityPolicyReportOnly { get; set; }

    /// <summary><c>X-Frame-Options</c>. Default <c>DENY</c>; empty sends none.</summary>
    public string FrameOptions { get; set; } = "DENY";

    /// <summary>Send <c>X-Content-Type-Options: nosniff</c>. Default <see langword="true"/>.</summary>
    public bool ContentTypeOptionsNoSniff { get; set; } = true;

    /// <summary><c>Referrer-Policy</c>. Default <c>strict-origin-when-cross-origin</c>; empty sends none.</summary>
    public string ReferrerPolicy { get; set; } = "strict-origin-when-cross-origin";

    /// <summary><c>Permissions-Policy</c>. Default turns camera, microphone and geolocation off; empty sends none.</summary>
    public string PermissionsPolicy { get; set; } = "camera=(), microphone=(), geolocation=()";

    /// <summary><c>Cross-Origin-Opener-Policy</c>. Default <c>same-origin</c>; empty sends none.</summary>
    public string CrossOriginOpenerPolicy { get; set; } = "same-origin";

    /// <summary>Remove the <c>Server</c> header (and turn off Kestrel's). Default <see langword="true"/>.</summary>
    public bool RemoveServerHeader { get; set; } = true;

    /// <summary>HTTP Strict Transport Security, sent on HTTPS responses outside Development.</summary>
    public HstsSettings Hsts { get; set; } = new();
}

/// <summary>HSTS, bound from <c>Foundation:Hosting:SecurityHeaders:Hsts</c>.</summary>
public sealed class HstsSettings
{
    /// <summary>Whether HSTS is sent (only ever on HTTPS, outside Development, and not for localhost). Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>max-age</c> in days. Default 365.</summary>
    public int MaxAgeDays { get; set; } = 365;

    /// <summary>Add <c>includeSubDomains</c>. Default <see langword="true"/>.</summary>
    public bool IncludeSubDomains { get; set; } = true;

    /// <summary>Add <c>preload</c> (only once you have submitted the domain to the preload list). Default <see langword="false"/>.</summary>
    public bool Preload { get; set; }
}
