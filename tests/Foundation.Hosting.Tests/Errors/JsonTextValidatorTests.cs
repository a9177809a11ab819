using System.Text;
using System.Text.Json;
using Foundation.Json;

namespace Foundation.Hosting.Tests.Errors;

/// <summary>The JSON body guard's check: syntax, depth, text that decodes, and the JSON path it names.</summary>
public sealed class JsonTextValidatorTests
{
    [Theory]
    [InlineData("""{"a":"plain","b":"caf\u00e9 \ud83d\ude00 \n\"q\"","c":[1,true,null,{"d":"\u20ac"}]}""")]
    [InlineData("""["€ in UTF-8","😀 in UTF-8"]""")]
    [InlineData("\"a long escaped string \\n that needs the pooled buffer: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"")]
    public void Valid_json_passes(string json) =>
        JsonTextValidator.Validate(Encoding.UTF8.GetBytes(json)).ShouldBeNull();

    [Theory]
    [InlineData("""{"a":"\ud800"}""", "$.a")]
    [InlineData("""{"a":"ok","b":"x\udc00y"}""", "$.b")]
    [InlineData("""{"a":{"b":[1,{"c":"ok"},{"c":"\ud83d"}]}}""", "$.a.b[2].c")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":"\udfff"}]}]}""", "$.messages[0].content[0].text")]
    [InlineData("""{"odd name":{"x":"\ud800"}}""", "$['odd name'].x")]
    [InlineData("""{"a":{"\ud800":1}}""", "$.a")]
    [InlineData("""["\ud800"]""", "$[0]")]
    public void A_lone_surrogate_is_invalid_encoding_at_its_path(string json, string path)
    {
        var failure = JsonTextValidator.Validate(Encoding.UTF8.GetBytes(json));

        failure.ShouldNotBeNull();
        failure.Code.ShouldBe(InvalidJsonBodyException.InvalidEncoding);
        failure.Path.ShouldBe(path);
        failure.Message.ShouldContain(path);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void Invalid_UTF8_bytes_are_invalid_encoding_in_values_and_names(byte[] bad)
    {
        byte[] value = [.. "{\"ok\":\"fine\",\"v\":\"x"u8, .. bad, .. "\\n\"}"u8];
        byte[] name = [.. "{\"n"u8, .. bad, .. "\":1}"u8];

        var inValue = JsonTextValidator.Validate(value);
        var inName = JsonTextValidator.Validate(name);

        inValue.ShouldNotBeNull().Code.ShouldBe(InvalidJsonBodyException.InvalidEncoding);
        inValue.Path.ShouldBe("$.v");
        inName.ShouldNotBeNull().Code.ShouldBe(InvalidJsonBodyException.InvalidEncoding);
        inName.Path.ShouldBe("$");
    }

    [Theory]
    [InlineData("""{"a":""")]
    [InlineData("""{"a":1}{"b":2}""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{'a':1}""")]
    [InlineData("   ")]
    public void Malformed_json_is_invalid_json(string json)
    {
        var failure = JsonTextValidator.Validate(Encoding.UTF8.GetBytes(json));

        failure.ShouldNotBeNull().Code.ShouldBe(InvalidJsonBodyException.InvalidJson);
        failure.InnerException.ShouldBeAssignableTo<JsonException>();
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_invalid_json_and_the_limit_itself_passes()
    {
        JsonTextValidator.Validate(Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64))).ShouldBeNull();
        JsonTextValidator.Validate(Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65)))
            .ShouldNotBeNull().Code.ShouldBe(InvalidJsonBodyException.InvalidJson);
    }
}
