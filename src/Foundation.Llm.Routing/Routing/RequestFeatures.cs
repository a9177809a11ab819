using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>What a request needs from a deployment: an estimated prompt size, tools, images, JSON mode.</summary>
internal readonly struct RequestFeatures
{
    /// <summary>Tokens assumed per image part (a typical 512x512 tile at OpenAI's and Anthropic's rates).</summary>
    internal const int TokensPerImage = 800;

    /// <summary>Tokens assumed per message for roles and separators.</summary>
    internal const int TokensPerMessage = 4;

    public RequestFeatures(long estimatedInputTokens, long requestedOutputTokens, bool needsTools, bool needsVision, bool needsJson)
    {
        EstimatedInputTokens = estimatedInputTokens;
        RequestedOutputTokens = requestedOutputTokens;
        NeedsTools = needsTools;
        NeedsVision = needsVision;
        NeedsJson = needsJson;
    }

    /// <summary>The prompt size estimated at four characters per token, plus per-message and per-image allowances.</summary>
    public long EstimatedInputTokens { get; }

    /// <summary>The request's <c>MaxOutputTokens</c>, or 0 when it sets none.</summary>
    public long RequestedOutputTokens { get; }

    public bool NeedsTools { get; }

    public bool NeedsVision { get; }

    public bool NeedsJson { get; }

    /// <summary>Output tokens assumed for cost estimates.</summary>
    public long ExpectedOutputTokens => RequestedOutputTokens > 0 ? RequestedOutputTokens : DeploymentSelector.DefaultExpectedOutputTokens;

    /// <summary>Estimates the features of a request without allocating.</summary>
    public static RequestFeatures From(IList<ChatMessage> messages, ChatOptions? options)
    {
        long characters = 0;
        long extraTokens = 0;
        var vision = false;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            extraTokens += TokensPerMessage;
            var contents = message.Contents;
            for (var c = 0; c < contents.Count; c++)
            {
                switch (contents[c])
                {
                    case TextContent text:
                        characters += text.Text?.Length ?? 0;
                        break;
                    case TextReasoningContent reasoning:
                        characters += reasoning.Text?.Length ?? 0;
                        break;
                    case DataContent data when data.HasTopLevelMediaType("image"):
                        vision = true;
                        extraTokens += TokensPerImage;
                        break;
                    case UriContent uri when uri.HasTopLevelMediaType("image"):
                        vision = true;
                        extraTokens += TokensPerImage;
                        break;
                    case FunctionCallContent call:
                        characters += call.Name.Length + ((call.Arguments?.Count ?? 0) * 16);
                        break;
                    case FunctionResultContent result:
                        characters += result.Result is string s ? s.Length : 64;
                        break;
                    default:
                        break;
                }
            }
        }

        var tools = options?.Tools is { Count: > 0 } list ? list : null;
        if (tools is not null)
        {
            for (var t = 0; t < tools.Count; t++)
            {
                characters += tools[t].Name.Length + (tools[t].Description?.Length ?? 0) + 64;
            }
        }

        var estimated = ((characters + 3) / 4) + extraTokens;
        return new RequestFeatures(
            estimated,
            options?.MaxOutputTokens is int max && max > 0 ? max : 0,
            tools is not null,
            vision,
            options?.ResponseFormat is ChatResponseFormatJson);
    }

    /// <summary>Why <paramref name="deployment"/> cannot serve this request, or <see cref="CapabilityGap.None"/>.</summary>
    public CapabilityGap Check(LlmDeployment deployment)
    {
        if (deployment.ContextWindow > 0 && EstimatedInputTokens + RequestedOutputTokens > deployment.ContextWindow)
        {
            return CapabilityGap.ContextWindow;
        }

        if (NeedsTools && !deployment.SupportsTools)
        {
            return CapabilityGap.Tools;
        }

        if (NeedsVision && !deployment.SupportsVision)
        {
            return CapabilityGap.Vision;
        }

        if (NeedsJson && !deployment.SupportsJsonMode)
        {
            return CapabilityGap.JsonMode;
        }

        return CapabilityGap.None;
    }
}

/// <summary>The first capability a deployment lacks for a request.</summary>
internal enum CapabilityGap
{
    None,
    ContextWindow,
    Tools,
    Vision,
    JsonMode,
}
