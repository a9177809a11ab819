using Foundation.Callers;

namespace Foundation.Llm.Routing.Routing;

/// <summary>The models a caller may name: the aliases and the concrete provider models its policies allow (<c>GET /v1/models</c>).</summary>
public interface ILlmModelCatalog
{
    /// <summary>The aliases and provider models <paramref name="caller"/> may use, aliases first, each once.</summary>
    /// <param name="caller">Who is asking.</param>
    IReadOnlyList<LlmModelInfo> ListModels(ICurrentCaller caller);
}

/// <summary>A model a request may name.</summary>
/// <param name="Id">What to put in the request's <c>model</c> field (<c>chat</c>, <c>gpt-4o-mini</c>).</param>
/// <param name="IsAlias">Whether it is an alias routed over deployments.</param>
/// <param name="OwnedBy">The provider system (<c>openai</c>) for a provider model, <c>foundation</c> for an alias.</param>
public sealed record LlmModelInfo(string Id, bool IsAlias, string OwnedBy);
