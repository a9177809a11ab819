using Foundation.Audit.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Audit.Tests.Options;

public sealed class AuditOptionsTests(SqliteAuditDatabase database) : IClassFixture<SqliteAuditDatabase>
{
    [Theory]
    [InlineData("Foundation:Audit:Signing:Keys:k1", "c2hvcnQ=", "Foundation:Audit:Signing:Keys:k1 must be base64 of at least 32 random bytes")]
    [InlineData("Foundation:Audit:Signing:Keys:bad key!", "q3n8k3mJ0Yd1h1m2xq7yLJm0Rj0m1x2b3c4d5e6f7g8=", "Foundation:Audit:Signing:Keys:bad key! has an invalid key id")]
    [InlineData("Foundation:Audit:Signing:ActiveKeyId", "k9", "Foundation:Audit:Signing:ActiveKeyId is 'k9'")]
    [InlineData("Foundation:Audit:BatchSize", "0", "Foundation:Audit:BatchSize is 0; use 1 to 10000.")]
    [InlineData("Foundation:Audit:AdminPolicy", " ", "Foundation:Audit:AdminPolicy is empty")]
    public void A_misconfiguration_fails_naming_the_key(string key, string value, string message)
    {
        using var services = database.BuildServices(settings: new Dictionary<string, string?> { [key] = value });
        var error = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuditOptions>>().Value);
        error.Message.ShouldContain(message);
    }

    [Fact]
    public void Without_keys_and_without_a_secret_protector_the_start_fails_naming_the_key()
    {
        using var services = database.BuildServices(protector: false);
        var error = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuditOptions>>().Value);
        error.Message.ShouldContain("Foundation:Audit:Signing:Keys is empty and no ISecretProtector is registered");
    }

    [Fact]
    public void Configured_keys_need_no_secret_protector()
    {
        using var services = database.BuildServices(protector: false,
            settings: new Dictionary<string, string?> { ["Foundation:Audit:Signing:Keys:k1"] = "q3n8k3mJ0Yd1h1m2xq7yLJm0Rj0m1x2b3c4d5e6f7g8=" });
        services.GetRequiredService<IOptions<AuditOptions>>().Value.Signing.Keys.ShouldContainKey("k1");
    }
}
