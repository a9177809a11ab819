using Foundation.Auditing;
using Foundation.Auth.Accounts;
using Foundation.Auth.Passwords;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Foundation.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Internal;

/// <summary>One method per feature area, each owned by its folder; AddFoundationAuth calls them all.</summary>
internal static partial class AuthRegistration
{
    public static void AddPasswords(IServiceCollection services) => RegisterPasswords(services);

    public static void AddTokens(IServiceCollection services) => RegisterTokens(services);

    public static void AddStores(IServiceCollection services) => RegisterStores(services);

    public static void AddAccounts(IServiceCollection services)
    {
        services.TryAddSingleton<DummyHash>();
        services.TryAddScoped(sp => new AccountService(
            AuthStoreServices.GetDbContext(sp),
            sp.GetRequiredService<IPasswordHasher>(),
            sp.GetRequiredService<IPasswordPolicy>(),
            sp.GetRequiredService<IAccessTokenService>(),
            sp.GetRequiredService<IAuditEventWriter>(),
            sp.GetRequiredService<ISecretProtector>(),
            sp.GetServices<ISecondFactorProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AuthOptions>>(),
            sp.GetRequiredService<DummyHash>(),
            sp.GetRequiredService<SessionValidationCache>(),
            sp.GetRequiredService<Foundation.Auth.ApiKeys.ApiKeyValidationCache>()));
        AccountMail.AccountEmailRegistration.Add(services);
        RegisterOrganizations(services);
    }
}
