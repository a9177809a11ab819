namespace Foundation.Llm.Routing;

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
