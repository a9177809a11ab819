using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What <see cref="FoundationServiceCollectionExtensions.AddFoundation(IServiceCollection, IConfiguration, Action{Foundation.Hosting.FoundationOptions}?)"/>
/// returns: the services and the configuration, for chaining further Foundation registrations.
/// </summary>
public sealed class FoundationBuilder
{
    internal FoundationBuilder(IServiceCollection services, IConfiguration configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The host's configuration (the root, not the <c>Foundation</c> section).</summary>
    public IConfiguration Configuration { get; }
}
