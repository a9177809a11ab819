using Microsoft.Extensions.Options;

namespace Foundation.Auth.Tests.Passwords;

/// <summary>Options for password tests: 1,000 PBKDF2 iterations (fast) unless a test asks for the default.</summary>
internal static class PasswordTestOptions
{
    public const int FastIterations = 1_000;

    public static IOptions<AuthOptions> Create(Action<PasswordOptions>? configure = null)
    {
        var options = new AuthOptions();
        options.Passwords.Pbkdf2Iterations = FastIterations;
        configure?.Invoke(options.Passwords);
        return Options.Create(options);
    }
}
