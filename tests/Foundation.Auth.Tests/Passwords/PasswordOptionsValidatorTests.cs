using Foundation.Auth.Internal;
using Foundation.Auth.Passwords;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Tests.Passwords;

public class PasswordOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(Action<PasswordOptions> configure)
    {
        var options = new AuthOptions();
        configure(options.Passwords);
        return new PasswordOptionsValidator().Validate(Options.DefaultName, options);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        new PasswordOptionsValidator().Validate(Options.DefaultName, new AuthOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void The_lowest_allowed_values_are_valid()
    {
        Validate(o => { o.MinimumLength = 8; o.MaximumLength = 128; o.Pbkdf2Iterations = 100_000; }).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void A_minimum_length_below_8_is_refused_naming_the_key()
    {
        Validate(o => o.MinimumLength = 6).Failures.ShouldBe(["Foundation:Auth:Passwords:MinimumLength is 6; it must be at least 8."]);
    }

    [Fact]
    public void A_maximum_length_below_128_is_refused_naming_the_key()
    {
        Validate(o => o.MaximumLength = 64).Failures.ShouldBe(["Foundation:Auth:Passwords:MaximumLength is 64; it must be at least 128."]);
    }

    [Fact]
    public void A_maximum_length_below_the_minimum_is_refused()
    {
        Validate(o => { o.MinimumLength = 200; o.MaximumLength = 150; }).Failures.ShouldBe(
            ["Foundation:Auth:Passwords:MaximumLength is 150; it must be at least Foundation:Auth:Passwords:MinimumLength (200)."]);
    }

    [Fact]
    public void Fewer_than_100000_iterations_are_refused_naming_the_key()
    {
        Validate(o => o.Pbkdf2Iterations = 10_000).Failures.ShouldBe(
            ["Foundation:Auth:Passwords:Pbkdf2Iterations is 10000; it must be at least 100000."]);
    }

    [Fact]
    public void Every_failure_is_reported_at_once()
    {
        Validate(o => { o.MinimumLength = 4; o.MaximumLength = 2; o.Pbkdf2Iterations = 1; }).Failures!.Count().ShouldBe(4);
    }

    [Fact]
    public void Missing_password_options_are_refused()
    {
        new PasswordOptionsValidator().Validate(Options.DefaultName, new AuthOptions { Passwords = null! })
            .Failures.ShouldBe(["Foundation:Auth:Passwords is missing."]);
    }

    [Fact]
    public void RegisterPasswords_registers_the_policy_the_hasher_and_the_validation()
    {
        var services = new ServiceCollection();
        services.AddOptions<AuthOptions>();
        AuthRegistration.RegisterPasswords(services);
        AuthRegistration.RegisterPasswords(services);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IPasswordHasher>().ShouldBeOfType<Pbkdf2PasswordHasher>();
        provider.GetRequiredService<IPasswordPolicy>().ShouldBeOfType<PasswordPolicy>();
        provider.GetServices<IValidateOptions<AuthOptions>>().OfType<PasswordOptionsValidator>().Count().ShouldBe(1);
    }

    [Fact]
    public void A_misconfiguration_fails_when_the_options_are_read()
    {
        var services = new ServiceCollection();
        services.AddOptions<AuthOptions>().Configure(o => o.Passwords.MinimumLength = 6);
        AuthRegistration.RegisterPasswords(services);
        using var provider = services.BuildServiceProvider();

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthOptions>>().Value);
        error.Message.ShouldContain("Foundation:Auth:Passwords:MinimumLength is 6; it must be at least 8.");
    }

    [Fact]
    public void A_host_can_replace_the_hasher_and_the_policy()
    {
        var services = new ServiceCollection();
        services.AddOptions<AuthOptions>();
        var hasher = new Pbkdf2PasswordHasher(PasswordTestOptions.Create());
        services.AddSingleton<IPasswordHasher>(hasher);
        AuthRegistration.RegisterPasswords(services);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IPasswordHasher>().ShouldBeSameAs(hasher);
    }
}
