namespace Foundation.Hosting;

/// <summary>
/// Cross-origin requests, bound from <c>Foundation:Hosting:Cors</c>. Nothing is allowed until origins are listed.
/// </summary>
public sealed class CorsSettings
{
    /// <summary>Origins allowed to call, such as <c>https://app.example.com</c>. Default none.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Methods allowed. Default GET, POST, PUT, PATCH, DELETE.</summary>
    public List<string> AllowedMethods { get; set; } = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Request headers allowed. Default Content-Type, Authorization, X-Request-ID.</summary>
    public List<string> AllowedHeaders { get; set; } = ["Content-Type", "Authorization", "X-Request-ID"];

    /// <summary>Response headers a browser may read. Default X-Request-ID, Retry-After.</summary>
    public List<string> ExposedHeaders { get; set; } = ["X-Request-ID", "Retry-After"];

    /// <summary>Allow cookies and credentials. Default <see langword="false"/>; not allowed with the origin <c>*</c>.</summary>
    public bool AllowCredentials { get; set; }

    /// <summary>How long a browser may cache a preflight answer, in seconds. Default 600.</summary>
    public int PreflightMaxAgeSeconds { get; set; } = 600;
}
