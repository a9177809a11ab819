using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>A wrapper a host puts around every deployment's client (<c>LlmRoutingBuilder.DecorateDeployments</c>), for example metering.</summary>
internal sealed class DeploymentDecorator(Func<IServiceProvider, IChatClient, IChatClient> decorate)
{
    public Func<IServiceProvider, IChatClient, IChatClient> Decorate { get; } = decorate;

    /// <summary>
    /// Every registered decorator applied in registration order (the first is innermost), or <see langword="null"/> when none is
    /// registered. Returns the client unchanged when a decorator returns <see langword="null"/>.
    /// </summary>
    public static Func<IChatClient, IChatClient>? Compose(IServiceProvider services, IEnumerable<DeploymentDecorator> decorators)
    {
        var all = decorators.ToArray();
        if (all.Length == 0)
        {
            return null;
        }

        return client =>
        {
            foreach (var decorator in all)
            {
                client = decorator.Decorate(services, client) ?? client;
            }

            return client;
        };
    }
}

/// <summary>Decorates the clients a <see cref="ILlmClientFactory"/> creates (the bring-your-own-key clients of the router).</summary>
internal sealed class DecoratingLlmClientFactory(ILlmClientFactory inner, Func<IChatClient, IChatClient> decorate) : ILlmClientFactory
{
    public IChatClient Create(string providerName, LlmProviderOptions options, Credentials.ProviderCredential? credential) =>
        decorate(inner.Create(providerName, options, credential));
}
