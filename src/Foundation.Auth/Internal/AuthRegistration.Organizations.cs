using Foundation.Auditing;
using Foundation.Auth.ApiKeys;
using Foundation.Auth.Authorization;
using Foundation.Auth.Organizations;
using Foundation.Auth.Passwords;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Internal;

/// <summary>Organisations: the service and its options validation.</summary>
internal static partial class AuthRegistration
{
    private static void RegisterOrganizations(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, OrganizationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, PermissionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<Microsoft.AspNetCore.Authorization.AuthorizationOptions>, PermissionPolicySetup>());
        services.TryAddScoped(sp => new OrganizationService(
            AuthStoreServices.GetDbContext(sp),
            sp.GetRequiredService<IAccessTokenService>(),
            sp.GetRequiredService<IAuditEventWriter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AuthOptions>>(),
            sp.GetRequiredService<SessionValidationCache>(),
            sp.GetRequiredService<ApiKeyValidationCache>(),
            sp.GetServices<IOrganizationDeletionHandler>(),
            sp.GetRequiredService<IPasswordHasher>(),
            sp.GetRequiredService<IPasswordPolicy>(),
            sp.GetService<Foundation.Email.IEmailSender>()));
    }
}
