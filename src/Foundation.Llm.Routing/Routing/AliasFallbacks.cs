using Foundation.Llm.Routing.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Alias hops: moving a request to the alias its current one names as fallback (<c>ContextWindowFallback</c>,
/// <c>ContentPolicyFallback</c>), at most <see cref="LlmResilienceOptions.MaxAliasFallbacks"/> times per request. Before the first
/// attempt when no deployment's context window fits, and after an attempt refused for its context length or content.
/// </summary>
internal sealed partial class AliasFallbacks
{
    private readonly RouteTable _table;
    private readonly LlmResilienceOptions _resilience;
    private readonly LlmRoutingTelemetry _telemetry;
    private readonly ILogger _logger;

    public AliasFallbacks(RouteTable table, LlmResilienceOptions resilience, LlmRoutingTelemetry telemetry, ILogger logger)
    {
        _table = table;
        _resilience = resilience;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>
    /// When only the context window keeps every deployment of the request's alias out, moves to the configured larger alias (a few
    /// hops at most) until one has a deployment left.
    /// </summary>
    /// <returns>Whether the request now has a deployment to try.</returns>
    public bool TryWidenContextWindow(RouteRequest request)
    {
        while (request.OnlyContextWindowBlocks && request.Group.ContextWindowFallback is { } larger && request.AliasHops < _resilience.MaxAliasFallbacks
            && _table.Groups.TryGetValue(larger, out var largerGroup))
        {
            request.AliasHops++;
            var from = request.Group;
            _telemetry.RecordFallback(from.Name, from.Name, "context_window");
            LogAliasFallback(_logger, from.Name, larger, "context window");
            if (request.SetGroup(largerGroup))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Moves the request to <paramref name="alias"/> after a failed attempt on <paramref name="from"/>.</summary>
    /// <returns>Whether the request moved and has a deployment to try there (the next attempt then follows at once).</returns>
    public bool TrySwitch(RouteRequest request, string? alias, string from, string reason)
    {
        if (alias is null || request.AliasHops >= _resilience.MaxAliasFallbacks || !_table.Groups.TryGetValue(alias, out var group))
        {
            return false;
        }

        var previous = request.Group.Name;
        request.AliasHops++;
        if (!request.SetGroup(group))
        {
            return false;
        }

        request.NextDelay = TimeSpan.Zero;
        _telemetry.RecordFallback(previous, from, reason);
        LogAliasFallback(_logger, previous, alias, reason);
        return true;
    }

    [LoggerMessage(4, LogLevel.Information, "LLM alias {Alias}: moving to fallback alias {Fallback} ({Reason})")]
    private static partial void LogAliasFallback(ILogger logger, string alias, string fallback, string reason);
}
