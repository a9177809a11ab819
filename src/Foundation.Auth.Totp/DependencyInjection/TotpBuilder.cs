namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where Foundation.Auth.Totp keeps its data.</summary>
public sealed class TotpBuilder
{
    internal TotpBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }
}
