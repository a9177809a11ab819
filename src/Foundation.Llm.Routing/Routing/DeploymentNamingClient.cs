using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Puts the deployment's name (<see cref="LlmRouter.DeploymentPropertyName"/>) into the answer's properties (the first update of a
/// stream) as soon as the deployment's client answers, so a decorator around it (metering) knows the deployment before the router
/// stamps the final answer. Only used when a decorator is registered.
/// </summary>
internal sealed class DeploymentNamingClient(IChatClient inner, string deployment) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        (response.AdditionalProperties ??= [])[LlmRouter.DeploymentPropertyName] = deployment;
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var first = true;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (first)
            {
                (update.AdditionalProperties ??= [])[LlmRouter.DeploymentPropertyName] = deployment;
                first = false;
            }

            yield return update;
        }
    }
}
