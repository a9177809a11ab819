namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where the provider-key store keeps its data.</summary>
public sealed class LlmProviderKeysBuilder
{
    internal LlmProviderKeysBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }
}
