using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Email.Tests;

/// <summary>Bad Foundation:Email settings fail the start with a message naming the key.</summary>
public sealed class EmailOptionsTests
{
    [Theory]
    [InlineData("Foundation:Email:From", "not-an-address", "Foundation:Email:From")]
    [InlineData("Foundation:Email:Smtp:Port", "70000", "Foundation:Email:Smtp:Port")]
    [InlineData("Foundation:Email:Smtp:Host", "smtp://mail.example.com", "Foundation:Email:Smtp:Host")]
    [InlineData("Foundation:Email:Smtp:Timeout", "00:00:00.100", "Foundation:Email:Smtp:Timeout")]
    [InlineData("Foundation:Email:Smtp:UserName", "only-a-user", "Foundation:Email:Smtp:Password")]
    [InlineData("Foundation:Email:Smtp:Security", "Tls13", "Foundation:Email:Smtp:Security")]
    [InlineData("Foundation:Email:Smtp:Hots", "typo", "Foundation:Email:Smtp:Hots")]
    [InlineData("Foundation:Email:DevelopmentSink:MaxMessages", "0", "Foundation:Email:DevelopmentSink:MaxMessages")]
    public void A_bad_value_names_its_key(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { ["Foundation:Email:Smtp:Host"] = "mail.example.com", [key] = value };
        var ex = Should.Throw<OptionsValidationException>(() => Options(settings));
        string.Join(" ", ex.Failures).ShouldContain(named);
    }

    [Fact]
    public void Credentials_without_TLS_to_a_remote_server_are_refused_but_allowed_on_loopback()
    {
        var remote = new Dictionary<string, string?>
        {
            ["Foundation:Email:Smtp:Host"] = "mail.example.com",
            ["Foundation:Email:Smtp:Security"] = "None",
            ["Foundation:Email:Smtp:UserName"] = "u",
            ["Foundation:Email:Smtp:Password"] = "p",
        };
        var ex = Should.Throw<OptionsValidationException>(() => Options(remote));
        string.Join(" ", ex.Failures).ShouldContain("Foundation:Email:Smtp:Security is None");

        remote["Foundation:Email:Smtp:Host"] = "127.0.0.1";
        Options(remote).Smtp.Security.ShouldBe(SmtpSecurity.None);
    }

    [Fact]
    public void The_defaults_are_valid_and_use_the_development_sink()
    {
        var options = Options([]);
        options.UsesSmtp().ShouldBeFalse();
        options.Smtp.Port.ShouldBe(587);
        options.Smtp.Security.ShouldBe(SmtpSecurity.StartTls);
    }

    private static EmailOptions Options(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddFoundationEmail(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<EmailOptions>>().Value;
    }
}
