using Foundation.Llm.Routing.Outbound;
using Foundation.Llm.Routing.Storage;

namespace Foundation.Llm.ProviderKeys.Tests.Storage;

public sealed class ProviderKeyUnitTests
{
    [Theory]
    [InlineData("sk-proj-abcdefghijklmnop1234", "sk-proj-...1234")]
    [InlineData("sk-ant-api03-abcdefghijklmnopqrstuvwxyz-wxyz", "sk-ant-...wxyz")]
    [InlineData("hf_abcdefghijklmnopqrstuvwx", "hf_...uvwx")]
    [InlineData("abcdefghijklmnopqrst", "...qrst")]
    [InlineData("short-key", "****")]
    public void The_hint_shows_a_known_prefix_and_the_last_four_only(string key, string hint) =>
        ProviderKeyService.Hint(key).ShouldBe(hint);

    [Theory]
    [InlineData("https://api.example.com/v1", false, true)]
    [InlineData("http://10.0.0.5/v1", false, false)]
    [InlineData("http://192.168.1.1/v1", false, false)]
    [InlineData("http://169.254.169.254/latest", false, false)]
    [InlineData("http://[::1]:8080/v1", false, false)]
    [InlineData("http://localhost:11434/v1", false, false)]
    [InlineData("http://localhost:11434/v1", true, true)]
    public void Private_base_urls_are_refused_unless_allowed(string url, bool allowPrivate, bool accepted)
    {
        if (accepted)
        {
            ProviderBaseUrls.Validate(url, ProviderKeyType.Custom, new OutboundAddressPolicy(allowAnyAddress: allowPrivate)).ShouldNotBeNull();
        }
        else
        {
            Should.Throw<ProviderKeyValidationException>(() => ProviderBaseUrls.Validate(url, ProviderKeyType.Custom, new OutboundAddressPolicy(allowAnyAddress: allowPrivate))).Field.ShouldBe("baseUrl");
        }
    }

    [Theory]
    [InlineData("OpenAI", ProviderKeyType.OpenAI)]
    [InlineData("anthropic", ProviderKeyType.Anthropic)]
    [InlineData(" HuggingFace ", ProviderKeyType.HuggingFace)]
    [InlineData("custom", ProviderKeyType.Custom)]
    public void Provider_names_parse_ignoring_case(string value, ProviderKeyType type)
    {
        ProviderKeyTypes.TryParse(value, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(type);
        ProviderKeyTypes.FromStored(ProviderKeyTypes.ToStored(type)).ShouldBe(type);
    }
}
