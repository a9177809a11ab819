using Foundation.Auth.Passwords;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Internal;

/// <summary>The passwords feature's registrations; <c>AddPasswords</c> calls <see cref="RegisterPasswords"/>.</summary>
internal static partial class AuthRegistration
{
    /// <summary>
    /// Registers the password policy, the hasher and the validation of <c>Foundation:Auth:Passwords</c>, each with
    /// <c>TryAdd</c> so a host can replace it.
    /// </summary>
    internal static void RegisterPasswords(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IPasswordHasher, Pbkdf2PasswordHasher>();
        services.TryAddSingleton<IPasswordPolicy, PasswordPolicy>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, PasswordOptionsValidator>());
    }
}
