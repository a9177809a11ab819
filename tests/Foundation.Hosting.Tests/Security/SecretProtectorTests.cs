using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Security;

/// <summary><see cref="ISecretProtector"/> as AddFoundation registers it: Data Protection with keys under the data directory.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class SecretProtectorTests
{
    private const string Secret = "totp-secret JBSWY3DPEHPK3PXP \u00e9\u00e8";

    [Fact]
    public void A_protected_value_round_trips_and_does_not_show_the_plaintext()
    {
        using var factory = new SampleAppFactory();
        var protector = factory.Services.GetRequiredService<ISecretProtector>();

        var protectedValue = protector.Protect("totp", Secret);

        protectedValue.ShouldNotContain("JBSWY3DPEHPK3PXP");
        protector.Unprotect("totp", protectedValue).ShouldBe(Secret);
    }

    [Fact]
    public void A_value_protected_for_one_purpose_cannot_be_read_for_another()
    {
        using var factory = new SampleAppFactory();
        var protector = factory.Services.GetRequiredService<ISecretProtector>();
        var protectedValue = protector.Protect("purpose-a", Secret);

        var exception = Should.Throw<SecretProtectionException>(() => protector.Unprotect("purpose-b", protectedValue));

        exception.Message.ShouldContain("purpose-b");
        exception.Message.ShouldNotContain("JBSWY3DPEHPK3PXP");
    }

    [Fact]
    public void A_tampered_value_is_refused()
    {
        using var factory = new SampleAppFactory();
        var protector = factory.Services.GetRequiredService<ISecretProtector>();
        var protectedValue = protector.Protect("totp", Secret);

        // Flip one character in the middle (within the ciphertext), keeping the text valid base64url.
        var middle = protectedValue.Length / 2;
        var flipped = protectedValue[middle] == 'A' ? 'B' : 'A';
        var tampered = string.Concat(protectedValue.AsSpan(0, middle), [flipped], protectedValue.AsSpan(middle + 1));

        tampered.ShouldNotBe(protectedValue);
        Should.Throw<SecretProtectionException>(() => protector.Unprotect("totp", tampered));
        Should.Throw<SecretProtectionException>(() => protector.Unprotect("totp", protectedValue[..^4]));
        Should.Throw<SecretProtectionException>(() => protector.Unprotect("totp", "not a protected value!"));
    }

    [Fact]
    public void Keys_persist_in_the_data_directory_and_a_second_host_reads_the_first_hosts_value()
    {
        using var data = new TempDirectory();
        string protectedValue;
        using (var first = new SampleAppFactory(dataDirectory: data.Path))
        {
            protectedValue = first.Services.GetRequiredService<ISecretProtector>().Protect("api-key", Secret);
        }

        Directory.GetFiles(Path.Combine(data.Path, "keys"), "key-*.xml").ShouldNotBeEmpty();

        using var second = new SampleAppFactory(dataDirectory: data.Path);
        second.Services.GetRequiredService<ISecretProtector>().Unprotect("api-key", protectedValue).ShouldBe(Secret);
    }

    [Fact]
    public void A_host_on_another_data_directory_cannot_read_the_value()
    {
        string protectedValue;
        using (var first = new SampleAppFactory())
        {
            protectedValue = first.Services.GetRequiredService<ISecretProtector>().Protect("api-key", Secret);
        }

        using var stranger = new SampleAppFactory();
        Should.Throw<SecretProtectionException>(() => stranger.Services.GetRequiredService<ISecretProtector>().Unprotect("api-key", protectedValue));
    }
}
