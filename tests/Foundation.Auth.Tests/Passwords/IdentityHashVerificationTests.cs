using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Foundation.Auth.Passwords;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Tests.Passwords;

/// <summary>Hashes made by ASP.NET Core Identity's own <see cref="PasswordHasher{TUser}"/> verify here and ask for a rehash.</summary>
public class IdentityHashVerificationTests
{
    private sealed class User;

    private static readonly User s_user = new();

    private static Pbkdf2PasswordHasher Hasher() => new(PasswordTestOptions.Create());

    private static PasswordHasher<User> Identity(PasswordHasherCompatibilityMode mode, int iterations = 1_000) =>
        new(Options.Create(new PasswordHasherOptions { CompatibilityMode = mode, IterationCount = iterations }));

    [Theory]
    [InlineData("violet staircase under rain")]
    [InlineData("")]
    [InlineData("\U0001F510 ключ 鍵 caf\u00E9")]
    public void An_Identity_V2_hash_verifies_and_needs_a_rehash(string password)
    {
        var hash = Identity(PasswordHasherCompatibilityMode.IdentityV2).HashPassword(s_user, password);
        Convert.FromBase64String(hash)[0].ShouldBe((byte)0x00);

        Hasher().Verify(hash, password).ShouldBe(PasswordVerification.SuccessRehashNeeded);
        Hasher().Verify(hash, password + "x").ShouldBe(PasswordVerification.Failed);
    }

    [Theory]
    [InlineData("violet staircase under rain")]
    [InlineData("")]
    [InlineData("\U0001F510 ключ 鍵 caf\u00E9")]
    public void An_Identity_V3_hash_verifies_and_needs_a_rehash(string password)
    {
        var hash = Identity(PasswordHasherCompatibilityMode.IdentityV3).HashPassword(s_user, password);
        Convert.FromBase64String(hash)[0].ShouldBe((byte)0x01);

        Hasher().Verify(hash, password).ShouldBe(PasswordVerification.SuccessRehashNeeded);
        Hasher().Verify(hash, password + "x").ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public void An_Identity_V3_hash_at_Identitys_default_cost_verifies()
    {
        // .NET 10's default: HMAC-SHA512, 100,000 iterations.
        var hash = new PasswordHasher<User>().HashPassword(s_user, "violet staircase under rain");

        Hasher().Verify(hash, "violet staircase under rain").ShouldBe(PasswordVerification.SuccessRehashNeeded);
    }

    [Theory]
    [InlineData(0u)] // HMAC-SHA1
    [InlineData(1u)] // HMAC-SHA256: what ASP.NET Core Identity 2 to 6 wrote
    [InlineData(2u)] // HMAC-SHA512
    public void Every_V3_PRF_verifies(uint prf)
    {
        // Identity today writes only SHA512; older versions wrote SHA256. Build each per the V3 layout, have
        // Identity's own hasher confirm it is a valid V3 hash, then verify it here.
        var hash = V3Hash("violet staircase under rain", prf, iterations: 1_000, salt: RandomNumberGenerator.GetBytes(16));
        Identity(PasswordHasherCompatibilityMode.IdentityV3).VerifyHashedPassword(s_user, hash, "violet staircase under rain")
            .ShouldNotBe(PasswordVerificationResult.Failed);

        Hasher().Verify(hash, "violet staircase under rain").ShouldBe(PasswordVerification.SuccessRehashNeeded);
        Hasher().Verify(hash, "violet staircase under snow").ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public void An_imported_hash_of_the_NFKC_form_verifies_with_the_unnormalised_password()
    {
        // The old system hashed "password"; the user types full-width letters, whose NFKC form that is.
        var hash = Identity(PasswordHasherCompatibilityMode.IdentityV3).HashPassword(s_user, "password");

        Hasher().Verify(hash, "\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44").ShouldBe(PasswordVerification.SuccessRehashNeeded);
    }

    [Fact]
    public void An_imported_hash_of_an_unnormalised_password_verifies_as_given()
    {
        var hash = Identity(PasswordHasherCompatibilityMode.IdentityV3).HashPassword(s_user, "cafe\u0301");

        Hasher().Verify(hash, "cafe\u0301").ShouldBe(PasswordVerification.SuccessRehashNeeded);
    }

    [Fact]
    public void A_tampered_Identity_hash_fails()
    {
        var bytes = Convert.FromBase64String(Identity(PasswordHasherCompatibilityMode.IdentityV3).HashPassword(s_user, "violet staircase"));
        bytes[^1] ^= 1;

        Hasher().Verify(Convert.ToBase64String(bytes), "violet staircase").ShouldBe(PasswordVerification.Failed);
    }

    public static TheoryData<string> MalformedIdentityHashes()
    {
        var salt = new byte[16];
        var subkey = new byte[32];
        return new TheoryData<string>
        {
            Convert.ToBase64String([0x00, .. salt]), // V2 without subkey
            Convert.ToBase64String([0x00, .. salt, .. subkey, 0x00]), // V2 one byte too long
            Convert.ToBase64String([0x01, 0, 0, 0]), // V3 header cut short
            V3Raw(prf: 3, iterations: 1000, saltLength: 16, salt, subkey), // unknown PRF
            V3Raw(prf: 1, iterations: 0, saltLength: 16, salt, subkey), // no iterations
            V3Raw(prf: 1, iterations: 0x80000000, saltLength: 16, salt, subkey), // more than int.MaxValue
            V3Raw(prf: 1, iterations: 1000, saltLength: 8, salt[..8], subkey), // salt too short
            V3Raw(prf: 1, iterations: 1000, saltLength: 16, salt, subkey[..8]), // subkey too short
            V3Raw(prf: 1, iterations: 1000, saltLength: 0xFFFFFFFF, salt, subkey), // salt length past the end
            Convert.ToBase64String([0x02, .. salt, .. subkey]), // unknown format byte
        };
    }

    [Theory]
    [MemberData(nameof(MalformedIdentityHashes))]
    public void A_malformed_Identity_hash_fails_and_never_throws(string hash)
    {
        Hasher().Verify(hash, "violet staircase").ShouldBe(PasswordVerification.Failed);
    }

    private static string V3Hash(string password, uint prf, int iterations, byte[] salt)
    {
        var algorithm = prf switch { 0 => HashAlgorithmName.SHA1, 1 => HashAlgorithmName.SHA256, _ => HashAlgorithmName.SHA512 };
        var subkey = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, algorithm, 32);
        return V3Raw(prf, (uint)iterations, (uint)salt.Length, salt, subkey);
    }

    private static string V3Raw(uint prf, uint iterations, uint saltLength, byte[] salt, byte[] subkey)
    {
        var header = new byte[13];
        header[0] = 0x01;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), prf);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(5), iterations);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(9), saltLength);
        return Convert.ToBase64String([.. header, .. salt, .. subkey]);
    }
}
