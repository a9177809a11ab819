using System.Runtime.CompilerServices;
using Foundation.Callers;
using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Demo;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Llm;

/// <summary>
/// INTERIM stand-in for the router of Foundation.Llm.Routing until it is merged (see
/// <c>LlmGatewayRegistration.AddInterimRouting</c>): serves the aliases <c>chat</c> and <c>demo</c> (and the model
/// <c>foundation-demo-1</c>) with the <see cref="DemoChatClient"/> when no provider is configured, marks responses with
/// the deployment like the router does, and refuses anything else with the router's typed exceptions.
/// </summary>
internal sealed class InterimDemoRouter : IChatClient, ILlmModelCatalog
{
    private readonly DemoChatClient _demo;
    private readonly IOptions<LlmRoutingOptions> _options;

    public InterimDemoRouter(DemoChatClient demo, IOptions<LlmRoutingOptions> options)
    {
        _demo = demo;
        _options = options;
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Check(options);
        var response = await _demo.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Mark(response.AdditionalProperties ??= []);
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Check(options);
        var first = true;
        await foreach (var update in _demo.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (first)
            {
                Mark(update.AdditionalProperties ??= []);
                first = false;
            }

            yield return update;
        }
    }

    public IReadOnlyList<LlmModelInfo> ListModels(ICurrentCaller caller) =>
        _options.Value.Providers.Count > 0
            ? []
            : [new("chat", true, "foundation"), new("demo", true, "foundation"), new(DemoChatClient.ModelId, false, DemoChatClient.SystemName)];

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _demo.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }

    private void Check(ChatOptions? options)
    {
        var model = options?.ModelId;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new LlmModelNotFoundException(string.Empty);
        }

        if (_options.Value.Providers.Count > 0)
        {
            throw new LlmNoDeploymentAvailableException(
                "Providers are configured, but this build has no router to call them yet (AddFoundationLlmRouting is not wired).");
        }

        if (!string.Equals(model, "chat", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(model, "demo", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(model, DemoChatClient.ModelId, StringComparison.OrdinalIgnoreCase))
        {
            throw new LlmModelNotFoundException(model);
        }
    }

    private static void Mark(AdditionalPropertiesDictionary properties)
    {
        properties[GatewayEndpoints.DeploymentProperty] = LlmGatewayRegistration.DemoDeployment;
        properties[GatewayEndpoints.ProviderProperty] = DemoChatClient.SystemName;
    }
}
