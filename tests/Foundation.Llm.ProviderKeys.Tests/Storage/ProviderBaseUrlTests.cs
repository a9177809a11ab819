using Foundation.Llm.Routing.Outbound;
using Foundation.Llm.Routing.Storage;

namespace Foundation.Llm.ProviderKeys.Tests.Storage;

/// <summary>A stored key's base URL is checked at creation against the router's outbound address guard.</summary>
public sealed class ProviderBaseUrlTests
{
    [Theory]
    [InlineData("http://10.0.0.5/v1", "private (10.0.0.0/8)")]
    [InlineData("http://localhost:11434/v1", "loopback")]
    [InlineData("http://LOCALHOST./v1", "loopback")]
    [InlineData("http://models.localhost/v1", "loopback")]
    [InlineData("http://0x7f000001/v1", "loopback (127.0.0.0/8)")]
    [InlineData("http://2130706433/v1", "loopback (127.0.0.0/8)")]
    [InlineData("http://[::ffff:169.254.169.254]/latest", "link-local (169.254.0.0/16)")]
    [InlineData("http://[64:ff9b::7f00:1]/v1", "NAT64")]
    [InlineData("http://[2002:c0a8:101::1]/v1", "6to4")]
    [InlineData("http://100.64.1.1/v1", "CGNAT")]
    [InlineData("http://[fd00::2]/v1", "unique local")]
    public void Creation_refuses_address_literals_and_localhost_names_naming_the_rule(string url, string rule)
    {
        var error = Should.Throw<ProviderKeyValidationException>(() => ProviderBaseUrls.Validate(url, ProviderKeyType.Custom, new OutboundAddressPolicy()));
        error.Field.ShouldBe("baseUrl");
        error.Message.ShouldContain(rule);
    }

    [Fact]
    public void Creation_accepts_hosts_on_the_allow_list()
    {
        var policy = new OutboundAddressPolicy(["localhost", "10.0.0.5"]);
        ProviderBaseUrls.Validate("http://localhost:11434/v1", ProviderKeyType.Custom, policy).ShouldNotBeNull();
        ProviderBaseUrls.Validate("http://10.0.0.5/v1", ProviderKeyType.Custom, policy).ShouldNotBeNull();
        Should.Throw<ProviderKeyValidationException>(() => ProviderBaseUrls.Validate("http://10.0.0.6/v1", ProviderKeyType.Custom, policy));
    }
}
