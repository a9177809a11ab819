namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where Foundation.Auth keeps its data.</summary>
public sealed class AuthBuilder
{
    internal AuthBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }
}
