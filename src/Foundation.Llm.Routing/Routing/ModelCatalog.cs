using Foundation.Callers;
using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Policies;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// The models a caller may name (<see cref="ILlmModelCatalog"/>): each alias with at least one deployment its policies allow,
/// then each concrete provider model they allow, each name once.
/// </summary>
internal sealed class ModelCatalog
{
    private readonly RouteTable _table;
    private readonly PolicyEvaluator _policies;

    public ModelCatalog(RouteTable table, PolicyEvaluator policies)
    {
        _table = table;
        _policies = policies;
    }

    public IReadOnlyList<LlmModelInfo> ListModels(ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var rules = _policies.RulesFor(caller);
        var models = new List<LlmModelInfo>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var alias in _table.Aliases)
        {
            if (Allowed(rules, alias.Name, alias.Deployments) && seen.Add(alias.Name))
            {
                models.Add(new LlmModelInfo(alias.Name, IsAlias: true, OwnedBy: RequestTelemetry.FoundationSystem));
            }
        }

        foreach (var deployment in _table.DistinctDeployments)
        {
            if (!seen.Contains(deployment.Model) && Allowed(rules, deployment.Model, [deployment]))
            {
                seen.Add(deployment.Model);
                models.Add(new LlmModelInfo(deployment.Model, IsAlias: false, OwnedBy: deployment.System));
            }
        }

        return models;

        static bool Allowed(PolicyRule[]? rules, string name, LlmDeployment[] deployments)
        {
            if (rules is null)
            {
                return true;
            }

            foreach (var rule in rules)
            {
                if (rule.Denied.Contains(name))
                {
                    return false;
                }
            }

            foreach (var deployment in deployments)
            {
                if (PolicyEvaluator.Refusal(rules, name, deployment) is null)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
