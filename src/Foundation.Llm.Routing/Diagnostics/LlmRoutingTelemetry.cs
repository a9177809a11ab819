using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.Llm.Routing.Diagnostics;

/// <summary>
/// The router's <see cref="Meter"/> and <see cref="ActivitySource"/>, both named <c>Foundation.Llm.Routing</c>: the OpenTelemetry GenAI
/// client metrics plus routing counters. Labels are aliases, deployments, providers and models, never user or tenant ids.
/// </summary>
internal sealed class LlmRoutingTelemetry : IDisposable
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "Foundation.Llm.Routing";

    public const string OperationDurationName = "gen_ai.client.operation.duration";
    public const string TokenUsageName = "gen_ai.client.token.usage";
    public const string AttemptsName = "foundation.llm.routing.attempts";
    public const string FallbacksName = "foundation.llm.routing.fallbacks";
    public const string CooldownsName = "foundation.llm.routing.cooldowns";
    public const string SelectedName = "foundation.llm.routing.deployment.selected";

    public const string SystemTag = "gen_ai.system";
    public const string OperationTag = "gen_ai.operation.name";
    public const string RequestModelTag = "gen_ai.request.model";
    public const string ResponseModelTag = "gen_ai.response.model";
    public const string TokenTypeTag = "gen_ai.token.type";
    public const string ErrorTypeTag = "error.type";
    public const string AliasTag = "foundation.llm.alias";
    public const string DeploymentTag = "foundation.llm.deployment";
    public const string ReasonTag = "foundation.llm.reason";
    public const string OutcomeTag = "foundation.llm.outcome";

    public const string ChatOperation = "chat";

    private static readonly double[] s_durationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly long[] s_tokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public LlmRoutingTelemetry(IMeterFactory? meterFactory)
    {
        if (meterFactory is not null)
        {
            _meter = meterFactory.Create(new MeterOptions(Name));
        }
        else
        {
            _meter = new Meter(Name);
            _ownsMeter = true;
        }

        Duration = _meter.CreateHistogram(
            OperationDurationName,
            unit: "s",
            description: "GenAI operation duration.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        TokenUsage = _meter.CreateHistogram(
            TokenUsageName,
            unit: "{token}",
            description: "Measures number of input and output tokens used.",
            tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = s_tokenBuckets });
        Attempts = _meter.CreateCounter<long>(AttemptsName, unit: "{attempt}", description: "Calls sent to a deployment, by outcome.");
        Fallbacks = _meter.CreateCounter<long>(FallbacksName, unit: "{fallback}", description: "Moves to another deployment or fallback alias after a failure.");
        Cooldowns = _meter.CreateCounter<long>(CooldownsName, unit: "{cooldown}", description: "Deployments taken out of rotation after consecutive failures.");
        Selected = _meter.CreateCounter<long>(SelectedName, unit: "{selection}", description: "Deployments chosen by the routing strategy.");
    }

    /// <summary>Activities: one <c>chat {model}</c> client span per request.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    public Meter Meter => _meter;

    public Histogram<double> Duration { get; }

    public Histogram<long> TokenUsage { get; }

    public Counter<long> Attempts { get; }

    public Counter<long> Fallbacks { get; }

    public Counter<long> Cooldowns { get; }

    public Counter<long> Selected { get; }

    public void RecordSelected(string alias, string deployment)
    {
        if (Selected.Enabled)
        {
            Selected.Add(1, new KeyValuePair<string, object?>(AliasTag, alias), new KeyValuePair<string, object?>(DeploymentTag, deployment));
        }
    }

    public void RecordAttempt(string alias, string deployment, string outcome)
    {
        if (Attempts.Enabled)
        {
            Attempts.Add(
                1,
                new KeyValuePair<string, object?>(AliasTag, alias),
                new KeyValuePair<string, object?>(DeploymentTag, deployment),
                new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }
    }

    public void RecordFallback(string alias, string deployment, string reason)
    {
        if (Fallbacks.Enabled)
        {
            Fallbacks.Add(
                1,
                new KeyValuePair<string, object?>(AliasTag, alias),
                new KeyValuePair<string, object?>(DeploymentTag, deployment),
                new KeyValuePair<string, object?>(ReasonTag, reason));
        }
    }

    public void RecordCooldown(string deployment)
    {
        if (Cooldowns.Enabled)
        {
            Cooldowns.Add(1, new KeyValuePair<string, object?>(DeploymentTag, deployment));
        }
    }

    /// <summary>Records the operation duration and, when known, the token usage of one request.</summary>
    public void RecordOperation(double seconds, string system, string requestModel, string? responseModel, string? errorType, long? inputTokens, long? outputTokens)
    {
        if (Duration.Enabled)
        {
            var tags = new TagList
            {
                { SystemTag, system },
                { OperationTag, ChatOperation },
                { RequestModelTag, requestModel },
            };
            if (responseModel is not null)
            {
                tags.Add(ResponseModelTag, responseModel);
            }

            if (errorType is not null)
            {
                tags.Add(ErrorTypeTag, errorType);
            }

            Duration.Record(seconds, tags);
        }

        if (TokenUsage.Enabled && (inputTokens is not null || outputTokens is not null))
        {
            var tags = new TagList
            {
                { SystemTag, system },
                { OperationTag, ChatOperation },
                { RequestModelTag, requestModel },
            };
            if (responseModel is not null)
            {
                tags.Add(ResponseModelTag, responseModel);
            }

            if (inputTokens is long input)
            {
                tags.Add(TokenTypeTag, "input");
                TokenUsage.Record(input, tags);
            }

            if (outputTokens is long output)
            {
                if (inputTokens is not null)
                {
                    tags[tags.Count - 1] = new KeyValuePair<string, object?>(TokenTypeTag, "output");
                }
                else
                {
                    tags.Add(TokenTypeTag, "output");
                }

                TokenUsage.Record(output, tags);
            }
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
