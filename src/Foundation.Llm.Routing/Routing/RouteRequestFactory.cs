using Foundation.Callers;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Policies;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Turns a call into a <see cref="RouteRequest"/>: the requested model must name an alias, deployment or provider model; the
/// request gets its own copy of the options, with the caller's policy cap on output tokens when it set none; the alias's
/// deployments are filtered by policy and capabilities, moving to a larger alias when only the context window keeps them all out.
/// Refuses before any attempt (<see cref="LlmModelNotFoundException"/>, <see cref="LlmPolicyException"/>,
/// <see cref="LlmNoDeploymentAvailableException"/>) when nothing can serve it.
/// </summary>
internal sealed class RouteRequestFactory
{
    private readonly RouteTable _table;
    private readonly PolicyEvaluator _policies;
    private readonly ICurrentCaller _caller;
    private readonly AliasFallbacks _aliases;
    private readonly TimeProvider _time;

    public RouteRequestFactory(RouteTable table, PolicyEvaluator policies, ICurrentCaller caller, AliasFallbacks aliases, TimeProvider time)
    {
        _table = table;
        _policies = policies;
        _caller = caller;
        _aliases = aliases;
        _time = time;
    }

    public RouteRequest Create(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = options?.ModelId;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new LlmModelNotFoundException(model ?? string.Empty);
        }

        if (!_table.Groups.TryGetValue(model, out var group))
        {
            throw new LlmModelNotFoundException(model);
        }

        var list = messages as IList<ChatMessage> ?? [.. messages];
        var own = options!.Clone();
        var rules = _policies.RulesFor(_caller);
        if (rules is not null && PolicyEvaluator.CheckRequest(rules, model, own.MaxOutputTokens) is int cap && own.MaxOutputTokens is null)
        {
            own.MaxOutputTokens = cap;
        }

        var request = new RouteRequest(list, own, model, RequestFeatures.From(list, own), rules, cancellationToken);
        if (request.SetGroup(group))
        {
            return request;
        }

        if (request.AllRefusedByPolicy)
        {
            throw PolicyEvaluator.Refuse(rules!, model, request.PolicyRule!);
        }

        if (_aliases.TryWidenContextWindow(request))
        {
            return request;
        }

        throw request.NoDeployment(_time.GetTimestamp(), _time.TimestampFrequency, atStart: true);
    }
}
