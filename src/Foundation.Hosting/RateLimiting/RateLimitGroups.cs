namespace Foundation.Hosting.RateLimiting;

/// <summary>The endpoint groups Foundation rate-limits separately.</summary>
public static class RateLimitGroups
{
    /// <summary>Everything not in another group.</summary>
    public const string General = "general";

    /// <summary>API endpoints.</summary>
    public const string Api = "api";

    /// <summary>Authentication endpoints (login, refresh, second factor).</summary>
    public const string Auth = "auth";

    /// <summary>The LLM endpoints: <c>/v1/chat/completions</c>, <c>/v1/models</c> and <c>/api/v1/llm/chat</c>.</summary>
    public const string Llm = "llm";
}

/// <summary>
/// Endpoint metadata that puts an endpoint in a rate-limit group whatever its path. Packages put it on their
/// endpoints with <c>.WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Auth))</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class RateLimitGroupAttribute : Attribute
{
    /// <summary>Puts the endpoint in <paramref name="group"/> (one of <see cref="RateLimitGroups"/>).</summary>
    public RateLimitGroupAttribute(string group)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        Group = group;
    }

    /// <summary>The group.</summary>
    public string Group { get; }
}
