namespace Foundation.Llm.Routing.Storage;

/// <summary>Which API a stored provider key is for.</summary>
public enum ProviderKeyType
{
    /// <summary>OpenAI (api.openai.com, or a base URL). Serves providers of type <c>OpenAI</c>. Stored as <c>openai</c>.</summary>
    OpenAI = 0,

    /// <summary>Anthropic's Messages API. Serves providers of type <c>Anthropic</c>. Stored as <c>anthropic</c>.</summary>
    Anthropic = 1,

    /// <summary>
    /// A HuggingFace token (Inference Endpoints, TGI). Serves the <c>OpenAICompatible</c> provider whose configured name
    /// equals the key's name. Stored as <c>huggingface</c>.
    /// </summary>
    HuggingFace = 2,

    /// <summary>
    /// Any OpenAI-compatible endpoint at the key's (required) base URL. Serves the <c>OpenAICompatible</c> or
    /// <c>AzureOpenAI</c> provider whose configured name equals the key's name. Stored as <c>custom</c>.
    /// </summary>
    Custom = 3,
}

/// <summary>A row of <c>llm_provider_keys</c>: a user's or a tenant's own provider credential, encrypted at rest.</summary>
public sealed class ProviderKeyRecord
{
    /// <summary>The id (version 7 GUID).</summary>
    public Guid Id { get; set; }

    /// <summary>The tenant; the default tenant is the empty string.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The user who owns the key, or <see langword="null"/> for a tenant-wide key.</summary>
    public string? OwnerUserId { get; set; }

    /// <summary>Which API the key is for.</summary>
    public ProviderKeyType Provider { get; set; }

    /// <summary>A display name (1 to 100 characters); for HuggingFace and custom keys, the configured provider it serves.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The key, encrypted with the secret protector (purpose <see cref="ProviderKeyService.ProtectionPurpose"/>).</summary>
    public string ProtectedKey { get; set; } = string.Empty;

    /// <summary>An endpoint that replaces the provider's (absolute http or https), or <see langword="null"/>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>What the key looks like, for display (<c>sk-...abcd</c>): never enough to use it.</summary>
    public string KeyHint { get; set; } = string.Empty;

    /// <summary>When the key was stored.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the row last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the router last loaded the key to serve a request (at most once per cache period).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When the key was last tested.</summary>
    public DateTimeOffset? LastTestedAt { get; set; }

    /// <summary>Whether the last test passed.</summary>
    public bool? LastTestOk { get; set; }

    /// <summary>The last test's outcome in words (HTTP status, timeout), without the key.</summary>
    public string? LastTestMessage { get; set; }
}
