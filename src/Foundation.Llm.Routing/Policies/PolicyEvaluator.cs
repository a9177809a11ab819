using System.Globalization;
using Foundation.Callers;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Routing;

namespace Foundation.Llm.Routing.Policies;

/// <summary>Evaluates <see cref="LlmPolicyOptions"/>: which rules apply to a caller, and what they allow.</summary>
internal sealed class PolicyEvaluator
{
    private const string Section = LlmRoutingOptions.SectionName + ":Policies";

    private readonly Dictionary<string, PolicyRule> _roles;
    private readonly Dictionary<string, PolicyRule> _tenants;

    public PolicyEvaluator(LlmPolicyOptions options)
    {
        _roles = new Dictionary<string, PolicyRule>(StringComparer.OrdinalIgnoreCase);
        foreach (var (role, policy) in options.Roles)
        {
            _roles[role] = new PolicyRule($"{Section}:Roles:{role}", policy);
        }

        _tenants = new Dictionary<string, PolicyRule>(StringComparer.Ordinal);
        foreach (var (tenant, policy) in options.Tenants)
        {
            _tenants[tenant] = new PolicyRule($"{Section}:Tenants:{tenant}", policy);
        }

        HasPolicies = _roles.Count > 0 || _tenants.Count > 0;
    }

    /// <summary>Whether any rule is configured (otherwise every check is skipped).</summary>
    public bool HasPolicies { get; }

    /// <summary>The rules that apply to <paramref name="caller"/>: one per role it holds, then its tenant's; <see langword="null"/> when none.</summary>
    public PolicyRule[]? RulesFor(ICurrentCaller caller)
    {
        if (!HasPolicies)
        {
            return null;
        }

        // The common cases (no rule, or exactly one) allocate nothing: a single rule comes as its own cached one-element array.
        PolicyRule? single = null;
        List<PolicyRule>? more = null;
        if (_roles.Count > 0)
        {
            var roles = caller.Roles;
            for (var i = 0; i < roles.Count; i++)
            {
                if (_roles.TryGetValue(roles[i], out var rule))
                {
                    Add(rule, ref single, ref more);
                }
            }
        }

        if (caller.TenantId is { } tenant && _tenants.TryGetValue(tenant, out var tenantRule))
        {
            Add(tenantRule, ref single, ref more);
        }

        return more is not null ? [.. more] : single?.Alone;

        static void Add(PolicyRule rule, ref PolicyRule? single, ref List<PolicyRule>? more)
        {
            if (single is null)
            {
                single = rule;
            }
            else
            {
                (more ??= [single]).Add(rule);
            }
        }
    }

    /// <summary>Throws when a rule denies <paramref name="requested"/> by name or its max-token cap is exceeded; returns the tightest cap.</summary>
    public static int? CheckRequest(PolicyRule[] rules, string requested, int? maxOutputTokens)
    {
        int? cap = null;
        foreach (var rule in rules)
        {
            if (rule.Denied.Contains(requested))
            {
                throw new LlmPolicyException(
                    requested,
                    rule.Key + ":DeniedModels",
                    $"The model '{requested}' is denied by {rule.Key}:DeniedModels.");
            }

            if (rule.MaxOutputTokens is int ruleCap)
            {
                if (maxOutputTokens > ruleCap)
                {
                    throw new LlmPolicyException(
                        requested,
                        rule.Key + ":MaxOutputTokens",
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"The request for '{requested}' asks for {maxOutputTokens} output tokens; {rule.Key}:MaxOutputTokens allows at most {ruleCap}."));
                }

                cap = cap is null ? ruleCap : Math.Min(cap.Value, ruleCap);
            }
        }

        return cap;
    }

    /// <summary>The first rule that refuses <paramref name="deployment"/> for a request naming <paramref name="requested"/>, or <see langword="null"/>.</summary>
    public static string? Refusal(PolicyRule[] rules, string requested, LlmDeployment deployment)
    {
        foreach (var rule in rules)
        {
            if (rule.Denied.Count > 0 && (rule.Denied.Contains(deployment.Model) || rule.Denied.Contains(deployment.Name)))
            {
                return rule.Key + ":DeniedModels";
            }

            if (rule.Allowed.Count > 0 && !rule.Allowed.Contains(requested) && !rule.Allowed.Contains(deployment.Model) && !rule.Allowed.Contains(deployment.Name))
            {
                return rule.Key + ":AllowedModels";
            }
        }

        return null;
    }

    /// <summary>Builds the refusal for a request none of whose deployments is allowed.</summary>
    public static LlmPolicyException Refuse(PolicyRule[] rules, string requested, string ruleKey)
    {
        var rule = Array.Find(rules, r => ruleKey.StartsWith(r.Key + ":", StringComparison.Ordinal));
        var allowed = rule is not null && rule.Allowed.Count > 0 && ruleKey.EndsWith(":AllowedModels", StringComparison.Ordinal)
            ? " Allowed: " + string.Join(", ", rule.AllowedInOrder) + "."
            : string.Empty;
        return new LlmPolicyException(requested, ruleKey, $"The model '{requested}' is not allowed by {ruleKey}.{allowed}");
    }
}

/// <summary>One configured rule with its key prefix (<c>Foundation:Llm:Policies:Roles:viewer</c>).</summary>
internal sealed class PolicyRule
{
    public PolicyRule(string key, LlmModelPolicy policy)
    {
        Key = key;
        AllowedInOrder = [.. policy.AllowedModels];
        Allowed = new HashSet<string>(policy.AllowedModels, StringComparer.OrdinalIgnoreCase);
        Denied = new HashSet<string>(policy.DeniedModels, StringComparer.OrdinalIgnoreCase);
        MaxOutputTokens = policy.MaxOutputTokens;
        Alone = [this];
    }

    /// <summary>This rule as the only one applying to a caller (shared, never modified).</summary>
    public PolicyRule[] Alone { get; }

    public string Key { get; }

    public string[] AllowedInOrder { get; }

    public HashSet<string> Allowed { get; }

    public HashSet<string> Denied { get; }

    public int? MaxOutputTokens { get; }
}
