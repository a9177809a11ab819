namespace Foundation.Llm.Routing;

/// <summary>
/// Model policies, bound from <c>Foundation:Llm:Policies</c>: every rule that applies to the caller (one per role it holds,
/// one for its tenant) must allow the request. A refusal is an <see cref="Errors.LlmPolicyException"/> naming the model and the rule.
/// </summary>
public sealed class LlmPolicyOptions
{
    /// <summary>Rules by role name (<c>Foundation:Llm:Policies:Roles:viewer</c>), compared case-insensitively.</summary>
    public IDictionary<string, LlmModelPolicy> Roles { get; } = new Dictionary<string, LlmModelPolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Rules by tenant id (<c>Foundation:Llm:Policies:Tenants:acme</c>), compared ordinally.</summary>
    public IDictionary<string, LlmModelPolicy> Tenants { get; } = new Dictionary<string, LlmModelPolicy>(StringComparer.Ordinal);
}

/// <summary>
/// One rule. Entries of <see cref="AllowedModels"/> and <see cref="DeniedModels"/> name an alias (<c>chat</c>, which covers all its
/// deployments), a deployment name (<c>openai/gpt-4o-mini</c>) or a provider model (<c>gpt-4o-mini</c>); names compare case-insensitively.
/// </summary>
public sealed class LlmModelPolicy
{
    /// <summary>When not empty, only these may be used; an alias is then served only by its allowed deployments.</summary>
    public IList<string> AllowedModels { get; } = new List<string>();

    /// <summary>Never these (a deny wins over an allow).</summary>
    public IList<string> DeniedModels { get; } = new List<string>();

    /// <summary>The largest <c>max_tokens</c> a request may ask for; a request that sets none gets this cap. <see langword="null"/> for no cap.</summary>
    public int? MaxOutputTokens { get; set; }
}
