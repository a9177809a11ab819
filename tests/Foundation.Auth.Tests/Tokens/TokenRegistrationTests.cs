using Foundation.Auth.Authentication;
using Foundation.Auth.Internal;
using Foundation.Auth.Tokens;
using Foundation.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Tests.Tokens;

public sealed class TokenRegistrationTests
{
    private static ServiceProvider Build(Action<IServiceCollection>? before = null, Action<AuthOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISecretProtector, TestSecretProtector>();
        before?.Invoke(services);
        services.AddOptions<AuthOptions>().Configure(o => configure?.Invoke(o));
        AuthRegistration.RegisterTokens(services);
        AuthRegistration.RegisterTokens(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task Registers_a_working_token_service_with_the_in_memory_store_and_the_Bearer_scheme_as_default()
    {
        using var provider = Build();

        var service = provider.GetRequiredService<IAccessTokenService>();
        var issued = await service.IssueAsync(TokenTestContext.NewRequest("member"));
        (await service.ValidateAsync(issued.Token)).IsValid.ShouldBeTrue();
        provider.GetRequiredService<ISigningKeyStore>().ShouldBeOfType<InMemorySigningKeyStore>();
        provider.GetServices<IAccessTokenService>().Count().ShouldBe(1);

        var schemes = provider.GetRequiredService<IAuthenticationSchemeProvider>();
        (await schemes.GetSchemeAsync("Bearer"))!.HandlerType.ShouldBe(typeof(PolicySchemeHandler));
        (await schemes.GetSchemeAsync(FoundationAuthenticationDefaults.ApiKeyScheme))!.HandlerType.ShouldBe(typeof(FoundationApiKeyHandler));
        (await schemes.GetSchemeAsync(FoundationAuthenticationDefaults.AccessTokenScheme))!.HandlerType.ShouldBe(typeof(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler));
        (await schemes.GetDefaultAuthenticateSchemeAsync())!.Name.ShouldBe("Bearer");
        (await schemes.GetDefaultChallengeSchemeAsync())!.Name.ShouldBe("Bearer");
    }

    [Fact]
    public async Task Keeps_a_store_registered_before_and_the_host_s_default_scheme()
    {
        var store = new InMemorySigningKeyStore();
        using var provider = Build(services =>
        {
            services.AddSingleton<ISigningKeyStore>(store);
            services.AddAuthentication("Cookies").AddCookie("Cookies");
        });

        provider.GetRequiredService<ISigningKeyStore>().ShouldBeSameAs(store);
        var schemes = provider.GetRequiredService<IAuthenticationSchemeProvider>();
        (await schemes.GetDefaultAuthenticateSchemeAsync())!.Name.ShouldBe("Cookies");
        (await schemes.GetSchemeAsync("Bearer")).ShouldNotBeNull();
    }

    [Fact]
    public void Says_what_is_missing_without_a_secret_protector()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        AuthRegistration.RegisterTokens(services);
        using var provider = services.BuildServiceProvider();

        var error = Should.Throw<InvalidOperationException>(() => provider.GetRequiredService<IAccessTokenService>());
        error.Message.ShouldContain("ISecretProtector");
    }

    [Theory]
    [InlineData("Algorithm", "Foundation:Auth:Tokens:Algorithm is 'HS512'; use HS256, ES256 or RS256.")]
    [InlineData("AccessTokenMinutes", "Foundation:Auth:Tokens:AccessTokenMinutes is 0; it must be between 1 and 1440.")]
    [InlineData("RefreshTokenDays", "Foundation:Auth:Tokens:RefreshTokenDays is 366; it must be between 1 and 365.")]
    [InlineData("KeyRotationDays", "Foundation:Auth:Tokens:KeyRotationDays is 0; it must be at least 1.")]
    [InlineData("ClockSkewSeconds", "Foundation:Auth:Tokens:ClockSkewSeconds is 301; it must be between 0 and 300.")]
    [InlineData("Issuer", "Foundation:Auth:Tokens:Issuer is empty; set the issuer (iss) of access tokens.")]
    [InlineData("Audience", "Foundation:Auth:Tokens:Audience is empty; set the audience (aud) of access tokens.")]
    public void Refuses_bad_token_options_naming_the_key(string key, string message)
    {
        using var provider = Build(configure: o =>
        {
            switch (key)
            {
                case "Algorithm": o.Tokens.Algorithm = "HS512"; break;
                case "AccessTokenMinutes": o.Tokens.AccessTokenMinutes = 0; break;
                case "RefreshTokenDays": o.Tokens.RefreshTokenDays = 366; break;
                case "KeyRotationDays": o.Tokens.KeyRotationDays = 0; break;
                case "ClockSkewSeconds": o.Tokens.ClockSkewSeconds = 301; break;
                case "Issuer": o.Tokens.Issuer = " "; break;
                case "Audience": o.Tokens.Audience = string.Empty; break;
            }
        });

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthOptions>>().Value);
        error.Failures.ShouldBe([message]);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("es256")]
    [InlineData("RS256")]
    public void Accepts_the_supported_algorithms(string algorithm)
    {
        using var provider = Build(configure: o => o.Tokens.Algorithm = algorithm);

        provider.GetRequiredService<IOptions<AuthOptions>>().Value.Tokens.Algorithm.ShouldBe(algorithm);
    }
}
