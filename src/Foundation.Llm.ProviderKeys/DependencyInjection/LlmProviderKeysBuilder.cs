using Foundation.Configuration;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Storage;
using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where the provider-key store keeps its data.</summary>
public sealed class LlmProviderKeysBuilder
{
    internal LlmProviderKeysBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }
}
