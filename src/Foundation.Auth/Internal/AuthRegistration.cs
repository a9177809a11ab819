using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Internal;

/// <summary>One method per feature area, each owned by its folder; AddFoundationAuth calls them all.</summary>
internal static partial class AuthRegistration
{
    public static void AddPasswords(IServiceCollection services) => _ = services;

    public static void AddTokens(IServiceCollection services) => _ = services;

    public static void AddStores(IServiceCollection services) => _ = services;

    public static void AddAccounts(IServiceCollection services) => _ = services;
}
