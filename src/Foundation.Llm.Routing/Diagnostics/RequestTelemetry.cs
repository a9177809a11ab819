using System.Diagnostics;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Resilience;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Diagnostics;

/// <summary>
/// The GenAI telemetry of one routed request as a whole (its attempts are counted by <see cref="DeploymentFeedback"/>): the
/// <c>chat {model}</c> activity when someone listens, and at the end the operation duration and token usage with the serving
/// system, the response model and the error type.
/// </summary>
internal sealed class RequestTelemetry
{
    /// <summary>The <c>gen_ai.system</c> of the router itself (a request no deployment served) and the owner of its aliases.</summary>
    public const string FoundationSystem = "foundation";

    private readonly TimeProvider _time;
    private readonly LlmRoutingTelemetry _telemetry;
    private readonly long _frequency;

    public RequestTelemetry(TimeProvider time, LlmRoutingTelemetry telemetry)
    {
        _time = time;
        _telemetry = telemetry;
        _frequency = time.TimestampFrequency;
    }

    /// <summary>Starts the request's activity; <see langword="null"/> when nobody listens.</summary>
    public static Activity? StartActivity(string model, bool streaming)
    {
        if (!LlmRoutingTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = LlmRoutingTelemetry.ActivitySource.StartActivity("chat " + model, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(LlmRoutingTelemetry.OperationTag, LlmRoutingTelemetry.ChatOperation);
            activity.SetTag(LlmRoutingTelemetry.RequestModelTag, model);
            activity.SetTag("foundation.llm.streaming", streaming);
        }

        return activity;
    }

    /// <summary>A plain request ended with <paramref name="response"/> or <paramref name="error"/>.</summary>
    public void Complete(RouteRequest request, Activity? activity, long started, ChatResponse? response, Exception? error)
    {
        var deployment = request.Current;
        var responseModel = response?.ModelId ?? (response is null ? null : deployment?.Model);
        Finish(request, activity, started, deployment, responseModel, response?.Usage, error);
    }

    /// <summary>A stream served by <paramref name="deployment"/> ended, with <paramref name="error"/> when it failed midway.</summary>
    public void CompleteStream(RouteRequest request, Activity? activity, long started, LlmDeployment deployment, string? responseModel, UsageDetails? usage, Exception? error)
        => Finish(request, activity, started, deployment, responseModel ?? (error is null ? deployment.Model : null), usage, error);

    private void Finish(RouteRequest request, Activity? activity, long started, LlmDeployment? deployment, string? responseModel, UsageDetails? usage, Exception? error)
    {
        var system = deployment?.System ?? FoundationSystem;
        var errorType = error is null ? null : ErrorType(error);
        var seconds = (double)(_time.GetTimestamp() - started) / _frequency;
        _telemetry.RecordOperation(seconds, system, request.RequestedModel, responseModel, errorType, error is null ? usage?.InputTokenCount : null, error is null ? usage?.OutputTokenCount : null);
        if (activity is not null)
        {
            activity.SetTag(LlmRoutingTelemetry.SystemTag, system);
            if (deployment is not null)
            {
                activity.SetTag(LlmRoutingTelemetry.DeploymentTag, deployment.Name);
            }

            if (responseModel is not null)
            {
                activity.SetTag(LlmRoutingTelemetry.ResponseModelTag, responseModel);
            }

            if (usage is not null)
            {
                activity.SetTag("gen_ai.usage.input_tokens", usage.InputTokenCount);
                activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokenCount);
            }

            if (errorType is not null)
            {
                activity.SetTag(LlmRoutingTelemetry.ErrorTypeTag, errorType);
                activity.SetStatus(ActivityStatusCode.Error, error!.Message);
            }
        }
    }

    private static string ErrorType(Exception error) => error switch
    {
        LlmProviderException provider => LlmResiliencePipeline.KindName(provider.Kind),
        LlmNoDeploymentAvailableException => "no_deployment_available",
        LlmPolicyException => "policy_refused",
        LlmModelNotFoundException => "model_not_found",
        OperationCanceledException => "cancelled",
        _ => error.GetType().FullName ?? "error",
    };
}
