using Foundation.Callers;

namespace Foundation.Llm.Routing.Routing;

/// <summary>The models a caller may name: the aliases and the concrete provider models its policies allow (<c>GET /v1/models</c>).</summary>
public interface ILlmModelCatalog
{
    /// <summary>The aliases and provider models <paramref name="caller"/> may use, aliases first, each once.</summary>
    /// <param name="caller">Who is asking.</param>
    IReadOnlyList<LlmModelInfo> ListModels(ICurrentCaller caller);
}
