using Foundation.Auditing;
using Foundation.Auth.Accounts;
using Foundation.Auth.Passwords;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Email;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.AccountMail;

/// <summary>Registers account mail: the service, the default templates (TryAdd: a host's own win) and the options validator.</summary>
internal static class AccountEmailRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<IAccountEmailTemplates, DefaultAccountEmailTemplates>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AccountEmailOptionsValidator>());
        services.TryAddScoped(sp => new AccountEmailService(
            AuthStoreServices.GetDbContext(sp),
            sp.GetService<IEmailSender>(),
            sp.GetRequiredService<IAccountEmailTemplates>(),
            sp.GetRequiredService<IPasswordHasher>(),
            sp.GetRequiredService<IPasswordPolicy>(),
            sp.GetRequiredService<IAuditEventWriter>(),
            sp.GetServices<ISecondFactorProvider>(),
            sp.GetRequiredService<SessionValidationCache>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AuthOptions>>(),
            sp.GetRequiredService<DummyHash>(),
            sp.GetService<ILogger<AccountEmailService>>() ?? NullLogger<AccountEmailService>.Instance));
    }
}
