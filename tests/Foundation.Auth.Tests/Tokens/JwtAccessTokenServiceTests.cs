using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Foundation.Auth.Tokens;

namespace Foundation.Auth.Tests.Tokens;

public sealed class JwtAccessTokenServiceTests : IDisposable
{
    private readonly TokenTestContext _hs = new();

    public void Dispose() => _hs.Dispose();

    [Theory]
    [InlineData("HS256")]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task Issues_and_validates_with_each_algorithm(string algorithm)
    {
        using var context = new TokenTestContext(algorithm);
        var request = TokenTestContext.NewRequest("admin", "member");

        var issued = await context.Service.IssueAsync(request);
        var validation = await context.ValidateAsync(issued.Token);

        validation.IsValid.ShouldBeTrue(validation.Message);
        validation.Failure.ShouldBe(AccessTokenFailure.None);
        Jwt.ReadHeader(issued.Token).GetProperty("alg").GetString().ShouldBe(algorithm);
        Jwt.ReadHeader(issued.Token).GetProperty("kid").GetString().ShouldBe(issued.KeyId);
        Jwt.ReadHeader(issued.Token).GetProperty("typ").GetString().ShouldBe("at+jwt");
        validation.Principal!.FindFirst("sub")!.Value.ShouldBe(request.UserId.ToString());
    }

    [Fact]
    public async Task Carries_the_claims_as_issued()
    {
        var secondFactorAt = _hs.Time.GetUtcNow().AddMinutes(-3);
        var request = new AccessTokenRequest(Guid.CreateVersion7(), "acme", ["admin", "member"], Guid.CreateVersion7(), "stamp-9", "ada@example.com", secondFactorAt);

        var issued = await _hs.Service.IssueAsync(request);
        var principal = (await _hs.ValidateAsync(issued.Token)).Principal!;

        principal.FindFirst(AuthClaims.Subject)!.Value.ShouldBe(request.UserId.ToString("D"));
        principal.FindFirst(AuthClaims.Tenant)!.Value.ShouldBe("acme");
        principal.FindAll(AuthClaims.Role).Select(c => c.Value).ShouldBe(["admin", "member"]);
        principal.FindFirst(AuthClaims.SessionId)!.Value.ShouldBe(request.SessionId.ToString("D"));
        principal.FindFirst(AuthClaims.SecurityStamp)!.Value.ShouldBe("stamp-9");
        principal.FindFirst(AuthClaims.Email)!.Value.ShouldBe("ada@example.com");
        principal.FindFirst(AuthClaims.SecondFactorTime)!.Value.ShouldBe(secondFactorAt.ToUnixTimeSeconds().ToString());
        principal.FindFirst("jti").ShouldNotBeNull();
        principal.FindFirst(ClaimTypes.Role).ShouldBeNull("claim types stay as issued");
        principal.IsInRole("admin").ShouldBeTrue();
        principal.IsInRole("owner").ShouldBeFalse();
        principal.Identity!.IsAuthenticated.ShouldBeTrue();
        principal.Identity.Name.ShouldBe(request.UserId.ToString("D"));

        var payload = Jwt.ReadPayload(issued.Token);
        var now = _hs.Time.GetUtcNow().ToUnixTimeSeconds();
        payload.GetProperty("iat").GetInt64().ShouldBe(now);
        payload.GetProperty("nbf").GetInt64().ShouldBe(now);
        payload.GetProperty("exp").GetInt64().ShouldBe(now + 15 * 60);
        payload.GetProperty("iss").GetString().ShouldBe("foundation");
        payload.GetProperty("aud").GetString().ShouldBe("foundation");
        issued.ExpiresAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(now + 15 * 60));
    }

    [Fact]
    public async Task Omits_the_tenant_and_roles_when_empty()
    {
        var request = new AccessTokenRequest(Guid.CreateVersion7(), string.Empty, [], Guid.CreateVersion7(), "s");
        var issued = await _hs.Service.IssueAsync(request);

        var payload = Jwt.ReadPayload(issued.Token);
        payload.TryGetProperty("tenant", out _).ShouldBeFalse();
        payload.TryGetProperty("role", out _).ShouldBeFalse();
        payload.TryGetProperty("email", out _).ShouldBeFalse();
        payload.TryGetProperty("amr_2fa_at", out _).ShouldBeFalse();
        (await _hs.ValidateAsync(issued.Token)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public async Task Refuses_an_expired_token_after_the_clock_skew()
    {
        var issued = await _hs.IssueAsync();

        _hs.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30));
        (await _hs.ValidateAsync(issued.Token)).IsValid.ShouldBeTrue("within the clock skew");

        _hs.Time.Advance(TimeSpan.FromSeconds(1));
        var validation = await _hs.ValidateAsync(issued.Token);
        validation.Failure.ShouldBe(AccessTokenFailure.Expired);
        validation.Message.ShouldBe("The token has expired.");
        validation.Principal.ShouldBeNull();
    }

    [Fact]
    public async Task Refuses_a_token_not_valid_yet()
    {
        // Issued by an instance whose clock is 2 minutes ahead (same key store): a FakeTimeProvider does not go back.
        _ = await _hs.IssueAsync();
        using var ahead = new TokenTestContext(store: _hs.Store, protector: _hs.Protector, time: new FakeTimeProvider(_hs.Time.GetUtcNow() + TimeSpan.FromMinutes(2)));
        var issued = await ahead.IssueAsync();

        var validation = await _hs.ValidateAsync(issued.Token);

        validation.Failure.ShouldBe(AccessTokenFailure.Expired);
        validation.Message.ShouldBe("The token is not valid yet.");
    }

    [Fact]
    public async Task Refuses_another_issuer_or_audience()
    {
        using var otherIssuer = new TokenTestContext(store: _hs.Store, protector: _hs.Protector, time: _hs.Time, configure: o => o.Issuer = "elsewhere");
        using var otherAudience = new TokenTestContext(store: _hs.Store, protector: _hs.Protector, time: _hs.Time, configure: o => o.Audience = "other-api");

        var byOtherIssuer = await otherIssuer.IssueAsync();
        var forOtherAudience = await otherAudience.IssueAsync();

        var issuer = await _hs.ValidateAsync(byOtherIssuer.Token);
        issuer.Failure.ShouldBe(AccessTokenFailure.InvalidClaims);
        issuer.Message.ShouldBe("The token was issued by another issuer.");
        var audience = await _hs.ValidateAsync(forOtherAudience.Token);
        audience.Failure.ShouldBe(AccessTokenFailure.InvalidClaims);
        audience.Message.ShouldBe("The token is meant for another audience.");
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task Refuses_a_tampered_payload(string algorithm)
    {
        using var context = new TokenTestContext(algorithm);
        var issued = await context.IssueAsync("member");
        var parts = issued.Token.Split('.');
        var payload = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("\"member\"", "\"owner\"", StringComparison.Ordinal);
        var forged = parts[0] + "." + System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];

        var validation = await context.ValidateAsync(forged);

        validation.Failure.ShouldBe(AccessTokenFailure.InvalidSignature);
        validation.Message.ShouldBe("The token's signature is invalid.");
    }

    [Fact]
    public async Task Refuses_a_tampered_signature()
    {
        var issued = await _hs.IssueAsync();
        var parts = issued.Token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';

        var validation = await _hs.ValidateAsync(parts[0] + "." + parts[1] + "." + new string(signature));

        validation.Failure.ShouldBe(AccessTokenFailure.InvalidSignature);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("HS512")]
    public async Task Refuses_an_unaccepted_algorithm(string alg)
    {
        var issued = await _hs.IssueAsync();
        var payload = Jwt.Payload(_hs.Options, _hs.Time.GetUtcNow());

        var unsigned = Jwt.Encode(new { alg, typ = "at+jwt", kid = issued.KeyId }) + "." + Jwt.Encode(payload) + ".";
        var validation = await _hs.ValidateAsync(unsigned);

        validation.Failure.ShouldBe(AccessTokenFailure.InvalidSignature);
        validation.Message.ShouldBe("The token's signing algorithm is not accepted.");
    }

    [Fact]
    public async Task Refuses_a_token_with_no_signature_even_with_an_accepted_alg()
    {
        var issued = await _hs.IssueAsync();
        var parts = issued.Token.Split('.');

        var validation = await _hs.ValidateAsync(parts[0] + "." + parts[1] + ".");

        validation.Failure.ShouldBe(AccessTokenFailure.InvalidSignature);
    }

    [Fact]
    public async Task Refuses_an_HS256_token_signed_with_the_public_key_of_an_RS256_key()
    {
        using var rs = new TokenTestContext("RS256");
        var issued = await rs.IssueAsync();
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(await rs.RawKeyAsync(issued.KeyId), out _);
        var payload = Jwt.Payload(rs.Options, rs.Time.GetUtcNow());
        var header = new { alg = "HS256", typ = "at+jwt", kid = issued.KeyId };

        foreach (var publicKey in new[] { rsa.ExportSubjectPublicKeyInfo(), rsa.ExportRSAPublicKey(), Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()) })
        {
            var validation = await rs.ValidateAsync(Jwt.SignHs256(header, payload, publicKey));
            validation.Failure.ShouldBe(AccessTokenFailure.InvalidSignature);
            validation.Message.ShouldBe("The token's signing algorithm does not match its key.");
        }
    }

    [Fact]
    public async Task The_validation_parameters_alone_refuse_algorithm_confusion_and_unsigned_tokens()
    {
        // Defence in depth: even without the service's own alg check, the per-key parameters allow only the key's algorithm.
        using var rs = new TokenTestContext("RS256");
        var issued = await rs.IssueAsync();
        var raw = await rs.RawKeyAsync(issued.KeyId);
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(raw, out _);
        var parameters = AccessTokenParameters.Create(rs.Options, SigningKeyMaterial.Load("RS256", issued.KeyId, raw), "RS256");
        var payload = Jwt.Payload(rs.Options, DateTimeOffset.UtcNow);
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();

        var confused = Jwt.SignHs256(new { alg = "HS256", typ = "at+jwt", kid = issued.KeyId }, payload, rsa.ExportSubjectPublicKeyInfo());
        var unsigned = Jwt.Encode(new { alg = "none", typ = "at+jwt", kid = issued.KeyId }) + "." + Jwt.Encode(payload) + ".";

        (await handler.ValidateTokenAsync(confused, parameters)).IsValid.ShouldBeFalse();
        (await handler.ValidateTokenAsync(unsigned, parameters)).IsValid.ShouldBeFalse();
        (await handler.ValidateTokenAsync(issued.Token, parameters)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public async Task Refuses_an_unknown_kid()
    {
        var issued = await _hs.IssueAsync();
        var key = await _hs.RawKeyAsync(issued.KeyId);
        var payload = Jwt.Payload(_hs.Options, _hs.Time.GetUtcNow());

        var validation = await _hs.ValidateAsync(Jwt.SignHs256(new { alg = "HS256", typ = "at+jwt", kid = "made-up" }, payload, key));

        validation.Failure.ShouldBe(AccessTokenFailure.UnknownKey);
        validation.Message.ShouldBe("The token was signed with an unknown key.");
    }

    [Fact]
    public async Task Refuses_a_missing_kid_even_when_signed_with_the_right_key()
    {
        var issued = await _hs.IssueAsync();
        var key = await _hs.RawKeyAsync(issued.KeyId);
        var payload = Jwt.Payload(_hs.Options, _hs.Time.GetUtcNow());

        var validation = await _hs.ValidateAsync(Jwt.SignHs256(new { alg = "HS256", typ = "at+jwt" }, payload, key));

        validation.Failure.ShouldBe(AccessTokenFailure.InvalidSignature);
        validation.Message.ShouldBe("The token names no signing key (kid).");
    }

    [Fact]
    public async Task Accepts_a_hand_made_token_signed_with_the_right_key()
    {
        // The baseline of the next tests: the hand-made tokens are valid except for what each test changes.
        var issued = await _hs.IssueAsync();
        var key = await _hs.RawKeyAsync(issued.KeyId);

        var validation = await _hs.ValidateAsync(Jwt.SignHs256(new { alg = "HS256", typ = "at+jwt", kid = issued.KeyId }, Jwt.Payload(_hs.Options, _hs.Time.GetUtcNow()), key));

        validation.IsValid.ShouldBeTrue(validation.Message);
    }

    [Theory]
    [InlineData("sub", "The token has no valid subject (sub).")]
    [InlineData("sid", "The token has no valid session id (sid).")]
    [InlineData("sst", "The token has no security stamp (sst).")]
    [InlineData("exp", "The token has no expiry (exp).")]
    [InlineData("aud", "The token is meant for another audience.")]
    [InlineData("iss", "The token was issued by another issuer.")]
    public async Task Refuses_a_token_missing_a_required_claim(string claim, string message)
    {
        var issued = await _hs.IssueAsync();
        var key = await _hs.RawKeyAsync(issued.KeyId);
        var payload = Jwt.Payload(_hs.Options, _hs.Time.GetUtcNow(), p => p.Remove(claim));

        var validation = await _hs.ValidateAsync(Jwt.SignHs256(new { alg = "HS256", typ = "at+jwt", kid = issued.KeyId }, payload, key));

        validation.Failure.ShouldBe(AccessTokenFailure.InvalidClaims);
        validation.Message.ShouldBe(message);
    }

    [Fact]
    public async Task Refuses_a_subject_that_is_not_a_user_id()
    {
        var issued = await _hs.IssueAsync();
        var key = await _hs.RawKeyAsync(issued.KeyId);
        var payload = Jwt.Payload(_hs.Options, _hs.Time.GetUtcNow(), p => p["sub"] = "admin");

        var validation = await _hs.ValidateAsync(Jwt.SignHs256(new { alg = "HS256", typ = "at+jwt", kid = issued.KeyId }, payload, key));

        validation.Failure.ShouldBe(AccessTokenFailure.InvalidClaims);
    }

    [Fact]
    public async Task Refuses_a_token_of_another_type()
    {
        var issued = await _hs.IssueAsync();
        var key = await _hs.RawKeyAsync(issued.KeyId);

        var validation = await _hs.ValidateAsync(Jwt.SignHs256(new { alg = "HS256", typ = "JWT", kid = issued.KeyId }, Jwt.Payload(_hs.Options, _hs.Time.GetUtcNow()), key));

        validation.Failure.ShouldBe(AccessTokenFailure.InvalidClaims);
        validation.Message.ShouldBe("The token is not an access token (typ at+jwt).");
    }

    public static TheoryData<string> Garbage => new()
    {
        string.Empty,
        "a.b",
        "a.b.c",
        "...",
        "not a token",
        "eyJhbGciOiJIUzI1NiJ9",
        "!!!.@@@.###",
        "eyJhbGciOiJIUzI1NiJ9.%%%.abc",
        "e30.e30.e30",
        "a.b.c.d.e",
        new string('x', 10 * 1024),
        string.Join('.', new string('A', 4000), new string('B', 4000), new string('C', 2000)),
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Refuses_garbage_as_malformed_or_unsigned(string token)
    {
        await _hs.IssueAsync();

        var validation = await _hs.ValidateAsync(token);

        validation.IsValid.ShouldBeFalse();
        validation.Failure.ShouldBeOneOf(AccessTokenFailure.Malformed, AccessTokenFailure.InvalidSignature);
        validation.Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Refuses_an_invalid_request()
    {
        await Should.ThrowAsync<ArgumentException>(async () => await _hs.Service.IssueAsync(new AccessTokenRequest(Guid.Empty, "", [], Guid.CreateVersion7(), "s")));
        await Should.ThrowAsync<ArgumentException>(async () => await _hs.Service.IssueAsync(new AccessTokenRequest(Guid.CreateVersion7(), "", [], Guid.Empty, "s")));
        await Should.ThrowAsync<ArgumentException>(async () => await _hs.Service.IssueAsync(new AccessTokenRequest(Guid.CreateVersion7(), "", [], Guid.CreateVersion7(), "")));
    }
}
