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
