using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Policies;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// The state of one routed request across its attempts: the alias being served, the deployments it may not use (policy,
/// capabilities, already tried this round), the retry round, the last failure. Passed to the Polly callback as its state. It
/// holds data only: the pieces that act on it (<see cref="Resilience.RouteExecutor"/>, <see cref="Resilience.RetryDecider"/>,
/// the attempts) are handed to it, never reached through it.
/// </summary>
internal sealed class RouteRequest
{
    private int _policyBlocked;
    private string? _policyRule;
    private int _contextBlocked;
    private int _toolsBlocked;
    private int _visionBlocked;
    private int _jsonBlocked;

    // Masks of up to 64 deployments live in these fields; larger aliases get arrays.
    private ulong _filtered;
    private ulong _blocked;
    private ulong[]? _filteredWords;
    private ulong[]? _blockedWords;

    public RouteRequest(IList<ChatMessage> messages, ChatOptions options, string requestedModel, RequestFeatures features, PolicyRule[]? rules, CancellationToken callerToken)
    {
        Messages = messages;
        Options = options;
        RequestedModel = requestedModel;
        Features = features;
        Rules = rules;
        CallerToken = callerToken;
        Group = null!;
    }

    public IList<ChatMessage> Messages { get; }

    /// <summary>The request's own copy of the caller's options (its <c>ModelId</c> is set per attempt).</summary>
    public ChatOptions Options { get; }

    public string RequestedModel { get; }

    public RequestFeatures Features { get; }

    public PolicyRule[]? Rules { get; }

    /// <summary>The caller's token (for a stream: the one combined with the enumerator's).</summary>
    public CancellationToken CallerToken { get; set; }

    /// <summary>The alias (or concrete model) currently served; changes on a context-window or content-policy fallback.</summary>
    public AliasGroup Group { get; private set; }

    /// <summary>Deployments of <see cref="Group"/> refused by policy or lacking a capability.</summary>
    public Span<ulong> Filtered => _filteredWords ?? MemoryMarshal.CreateSpan(ref _filtered, 1);

    /// <summary><see cref="Filtered"/> plus the deployments tried in the current round.</summary>
    public Span<ulong> Blocked => _blockedWords ?? MemoryMarshal.CreateSpan(ref _blocked, 1);

    /// <summary>Retry rounds started after every candidate failed.</summary>
    public int Round { get; set; }

    /// <summary>Moves to a fallback alias so far.</summary>
    public int AliasHops { get; set; }

    /// <summary>The deployment of the latest attempt.</summary>
    public LlmDeployment? Current { get; private set; }

    /// <summary>The wait before the next attempt, decided together with whether to retry.</summary>
    public TimeSpan NextDelay { get; set; }

    /// <summary>Set when the overall deadline cancelled the request.</summary>
    public bool DeadlineExceeded { get; set; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; set; }

    /// <summary>When the first attempt started (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Started { get; set; }

    /// <summary>What is left of the deadline when the resilience pipeline takes over after a failed first attempt.</summary>
    public TimeSpan RemainingDeadline { get; set; }

    /// <summary>The failed first attempt's outcome, handed to the resilience pipeline as its own first attempt's.</summary>
    public Exception? Replay { get; set; }

    /// <summary>The most recent attempt's failure.</summary>
    public Exception? LastError { get; set; }

    /// <summary>
    /// Whether the latest attempt ran on the caller's own credential (bring your own key): its outcome, latency and usage are
    /// the caller's and never feed the deployment's shared state, and its failure reaches the caller without fallback or retry.
    /// </summary>
    public bool CallerKey { get; set; }

    /// <summary>Makes <paramref name="group"/> the served alias, filtering its deployments by policy and capabilities.</summary>
    /// <returns>Whether at least one deployment is left.</returns>
    public bool SetGroup(AliasGroup group)
    {
        Group = group;
        var length = group.MaskLength;
        _filtered = 0;
        _filteredWords = length > 1 ? new ulong[length] : null;
        var filtered = Filtered;
        _policyBlocked = _contextBlocked = _toolsBlocked = _visionBlocked = _jsonBlocked = 0;
        _policyRule = null;
        var deployments = group.Deployments;
        var left = 0;
        for (var i = 0; i < deployments.Length; i++)
        {
            var deployment = deployments[i];
            if (Rules is not null && PolicyEvaluator.Refusal(Rules, group.Name, deployment) is { } rule)
            {
                _policyBlocked++;
                _policyRule ??= rule;
                filtered[i >> 6] |= 1UL << (i & 63);
                continue;
            }

            switch (Features.Check(deployment))
            {
                case CapabilityGap.None:
                    left++;
                    continue;
                case CapabilityGap.ContextWindow:
                    _contextBlocked++;
                    break;
                case CapabilityGap.Tools:
                    _toolsBlocked++;
                    break;
                case CapabilityGap.Vision:
                    _visionBlocked++;
                    break;
                default:
                    _jsonBlocked++;
                    break;
            }

            filtered[i >> 6] |= 1UL << (i & 63);
        }

        _blockedWords = length > 1 ? new ulong[length] : null;
        filtered.CopyTo(Blocked);
        return left > 0;
    }

    /// <summary>Whether every deployment the policy allows was filtered for its context window.</summary>
    public bool OnlyContextWindowBlocks => _contextBlocked > 0 && _toolsBlocked == 0 && _visionBlocked == 0 && _jsonBlocked == 0;

    /// <summary>Whether the policy refused every deployment.</summary>
    public bool AllRefusedByPolicy => _policyBlocked == Group.Deployments.Length;

    /// <summary>The first policy rule that refused a deployment.</summary>
    public string? PolicyRule => _policyRule;

    /// <summary>Chooses the next deployment and marks it tried; <see langword="null"/> when none is eligible.</summary>
    public LlmDeployment? SelectNext(DeploymentSelector selector, long now)
    {
        var index = selector.Select(Group, Blocked, now, Features.EstimatedInputTokens, Features.ExpectedOutputTokens);
        if (index < 0)
        {
            return null;
        }

        Blocked[index >> 6] |= 1UL << (index & 63);
        Current = Group.Deployments[index];
        Attempts++;
        return Current;
    }

    /// <summary>Whether an untried deployment is eligible now.</summary>
    public bool HasUntried(long now) => DeploymentSelector.AnyEligible(Group.Deployments, Blocked, now);

    /// <summary>Whether a deployment would be eligible in a new round.</summary>
    public bool HasAnyForNewRound(long now) => DeploymentSelector.AnyEligible(Group.Deployments, Filtered, now);

    /// <summary>Starts a new round: every filtered-in deployment may be tried again.</summary>
    public void StartRound()
    {
        Round++;
        Filtered.CopyTo(Blocked);
    }

    /// <summary>Why no deployment of the current alias can take the request.</summary>
    public LlmNoDeploymentAvailableException NoDeployment(long now, long frequency, bool atStart)
    {
        var text = new StringBuilder(128);
        text.Append(CultureInfo.InvariantCulture, $"No deployment of '{Group.Name}' can serve the request:");
        var parts = 0;
        void Part(int count, string what)
        {
            if (count > 0)
            {
                text.Append(parts++ == 0 ? " " : "; ").Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(what);
            }
        }

        Part(_contextBlocked, string.Create(CultureInfo.InvariantCulture, $"with a context window below the estimated {Features.EstimatedInputTokens + Features.RequestedOutputTokens} tokens"));
        Part(_toolsBlocked, "without tool support");
        Part(_visionBlocked, "without image input");
        Part(_jsonBlocked, "without JSON mode");
        Part(_policyBlocked, "not allowed by policy");
        TimeSpan? retryAfter = null;
        var earliest = DeploymentSelector.EarliestCooldownEnd(Group.Deployments, Filtered);
        if (earliest > now && earliest != long.MaxValue)
        {
            retryAfter = TimeSpan.FromSeconds(Math.Ceiling((double)(earliest - now) / frequency));
            Part(Group.Deployments.Length - _contextBlocked - _toolsBlocked - _visionBlocked - _jsonBlocked - _policyBlocked, "cooling down or tried");
        }
        else if (!atStart || Group.Strategy == RoutingStrategy.UsageBased)
        {
            Part(Group.Deployments.Length - _contextBlocked - _toolsBlocked - _visionBlocked - _jsonBlocked - _policyBlocked, Group.Strategy == RoutingStrategy.UsageBased && atStart ? "without RPM/TPM headroom" : "failed or unavailable");
            if (Group.Strategy == RoutingStrategy.UsageBased)
            {
                retryAfter = TimeSpan.FromSeconds(1);
            }
        }

        text.Append('.');
        return new LlmNoDeploymentAvailableException(text.ToString(), LastError) { RetryAfter = retryAfter };
    }
}
