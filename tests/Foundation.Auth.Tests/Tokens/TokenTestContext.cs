using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Foundation.Auth.Tokens;

namespace Foundation.Auth.Tests.Tokens;

/// <summary>One "app instance": a ring and a token service over a store, protector and clock that may be shared.</summary>
public sealed class TokenTestContext : IDisposable
{
    public TokenTestContext(
        string algorithm = "HS256",
        ISigningKeyStore? store = null,
        TestSecretProtector? protector = null,
        FakeTimeProvider? time = null,
        Action<TokenOptions>? configure = null)
    {
        Time = time ?? TestClock.CreateForTokens();
        Store = store ?? new InMemorySigningKeyStore(Time);
        Protector = protector ?? new TestSecretProtector();
        var options = new AuthOptions();
        options.Tokens.Algorithm = algorithm;
        configure?.Invoke(options.Tokens);
        Options = options.Tokens;
        Ring = new SigningKeyRing(Microsoft.Extensions.Options.Options.Create(options), Store, Protector, Time);
        Service = new JwtAccessTokenService(Ring, Microsoft.Extensions.Options.Options.Create(options), Time);
    }

    public FakeTimeProvider Time { get; }

    public ISigningKeyStore Store { get; }

    public TestSecretProtector Protector { get; }

    public TokenOptions Options { get; }

    public SigningKeyRing Ring { get; }

    internal JwtAccessTokenService Service { get; }

    public static AccessTokenRequest NewRequest(params string[] roles) =>
        new(Guid.CreateVersion7(), "acme", roles, Guid.CreateVersion7(), "stamp-1", "ada@example.com", null);

    public async Task<IssuedAccessToken> IssueAsync(params string[] roles) => await Service.IssueAsync(NewRequest(roles));

    public async Task<AccessTokenValidation> ValidateAsync(string token) => await Service.ValidateAsync(token);

    /// <summary>The raw key material of <paramref name="keyId"/> as stored (after unprotecting it).</summary>
    public async Task<byte[]> RawKeyAsync(string keyId)
    {
        var record = (await Store.GetValidKeysAsync()).Single(k => k.KeyId == keyId);
        return Convert.FromBase64String(Protector.Unprotect(SigningKeyRing.ProtectionPurpose, record.ProtectedKey));
    }

    public void Dispose() => Ring.Dispose();
}

/// <summary>Builds JWTs by hand, for tokens the service would never issue.</summary>
public static class Jwt
{
    public static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));

    public static string SignHs256(object header, object payload, byte[] key)
    {
        var signingInput = Encode(header) + "." + Encode(payload);
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public static Dictionary<string, object> Payload(TokenOptions options, DateTimeOffset now, Action<Dictionary<string, object>>? change = null)
    {
        var payload = new Dictionary<string, object>
        {
            ["iss"] = options.Issuer,
            ["aud"] = options.Audience,
            ["sub"] = Guid.CreateVersion7().ToString(),
            ["sid"] = Guid.CreateVersion7().ToString(),
            ["sst"] = "stamp-1",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(15).ToUnixTimeSeconds(),
        };
        change?.Invoke(payload);
        return payload;
    }

    /// <summary>The decoded payload of <paramref name="token"/>.</summary>
    public static JsonElement ReadPayload(string token) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[1])).RootElement;

    /// <summary>The decoded header of <paramref name="token"/>.</summary>
    public static JsonElement ReadHeader(string token) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[0])).RootElement;
}
