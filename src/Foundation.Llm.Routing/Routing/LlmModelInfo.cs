namespace Foundation.Llm.Routing.Routing;

/// <summary>A model a request may name.</summary>
/// <param name="Id">What to put in the request's <c>model</c> field (<c>chat</c>, <c>gpt-4o-mini</c>).</param>
/// <param name="IsAlias">Whether it is an alias routed over deployments.</param>
/// <param name="OwnedBy">The provider system (<c>openai</c>) for a provider model, <c>foundation</c> for an alias.</param>
public sealed record LlmModelInfo(string Id, bool IsAlias, string OwnedBy);
