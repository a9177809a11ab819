using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds deployments and services to the LLM router registered by <c>AddFoundationLlmRouting</c>.</summary>
public sealed class LlmRoutingBuilder
{
    internal LlmRoutingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers a host's own <see cref="IChatClient"/> as a deployment of <paramref name="alias"/> (created when absent from
    /// configuration, with the priority strategy). Its model defaults to the client's metadata (or <paramref name="name"/>);
    /// it takes part in strategies, fallbacks, cooldowns, policies and telemetry like a configured deployment, but never
    /// uses bring-your-own-key credentials.
    /// </summary>
    /// <param name="alias">The alias it serves (<c>chat</c>).</param>
    /// <param name="name">A unique deployment name (metrics label, <c>foundation.deployment</c>).</param>
    /// <param name="client">The client.</param>
    /// <param name="configure">Sets priority, weight, limits and capabilities.</param>
    public LlmRoutingBuilder AddDeployment(string alias, string name, IChatClient client, Action<LlmDeploymentOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(client);
        var options = new LlmDeploymentOptions { Name = name };
        configure?.Invoke(options);
        Services.AddSingleton(new HostDeployment(alias, name, client, options));
        return this;
    }

    /// <summary>
    /// Registers <paramref name="client"/> like <see cref="AddDeployment"/>, but only while the configuration (after every
    /// post-configuration, such as Foundation.Hosting's <c>OPENAI_API_KEY</c> mapping) holds no provider: a fallback such as
    /// an offline demo that real providers replace as soon as one is configured.
    /// </summary>
    /// <param name="alias">The alias it serves.</param>
    /// <param name="name">A unique deployment name.</param>
    /// <param name="client">The client.</param>
    /// <param name="configure">Sets priority, weight, limits and capabilities.</param>
    public LlmRoutingBuilder AddDeploymentWhenNoProviders(string alias, string name, IChatClient client, Action<LlmDeploymentOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(client);
        var options = new LlmDeploymentOptions { Name = name };
        configure?.Invoke(options);
        Services.AddSingleton(new HostDeployment(alias, name, client, options, onlyWithoutProviders: true));
        return this;
    }

    /// <summary>
    /// Wraps the client of every deployment (configured providers, bring-your-own-key clients and the host's own, such as a demo)
    /// with <paramref name="decorate"/>, so per-call concerns see the real provider and model rather than the alias: metering and
    /// budgets (Foundation.Costing's <c>CostingChatClient</c>), logging, caching. Decorators apply in registration order, the first
    /// innermost; each client is wrapped once. An exception a decorator throws that is not a provider failure (for example a budget
    /// refusal) reaches the caller unchanged, without retry or fallback.
    /// </summary>
    /// <param name="decorate">Gets the application's services and a deployment's client; returns the client to use.</param>
    public LlmRoutingBuilder DecorateDeployments(Func<IServiceProvider, IChatClient, IChatClient> decorate)
    {
        ArgumentNullException.ThrowIfNull(decorate);
        Services.AddSingleton(new DeploymentDecorator(decorate));
        return this;
    }
}
