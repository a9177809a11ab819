using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Foundation.Auth.Passwords;

namespace Foundation.Auth.Tests.Passwords;

public class Pbkdf2PasswordHasherTests
{
    private static Pbkdf2PasswordHasher Hasher(int iterations = PasswordTestOptions.FastIterations) =>
        new(PasswordTestOptions.Create(o => o.Pbkdf2Iterations = iterations));

    [Fact]
    public void A_hash_round_trips()
    {
        var hasher = Hasher();
        var hash = hasher.Hash("violet staircase under rain");

        hasher.Verify(hash, "violet staircase under rain").ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public void The_format_is_self_describing_and_versioned()
    {
        var hash = Hasher().Hash("violet staircase under rain");

        hash.ShouldMatch(@"^\$fnd-pbkdf2-sha256\$v=1\$i=1000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$");
        Pbkdf2PasswordHasher.TryParse(hash, out var iterations, out var salt, out var subkey).ShouldBeTrue();
        iterations.ShouldBe(1000);
        salt.Length.ShouldBe(16);
        subkey.Length.ShouldBe(32);
    }

    [Fact]
    public void The_hash_is_PBKDF2_HMAC_SHA256_of_the_UTF8_NFKC_password_with_the_stored_salt()
    {
        // Full-width letters: the hash is of their NFKC form "password".
        var hash = Hasher().Hash("\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44");
        Pbkdf2PasswordHasher.TryParse(hash, out var iterations, out var salt, out var subkey).ShouldBeTrue();

        var expected = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes("password"), salt, iterations, HashAlgorithmName.SHA256, 32);
        subkey.ShouldBe(expected);
    }

    [Fact]
    public void Each_hash_has_its_own_salt()
    {
        var hasher = Hasher();

        hasher.Hash("violet staircase under rain").ShouldNotBe(hasher.Hash("violet staircase under rain"));
    }

    [Fact]
    public void A_wrong_password_fails()
    {
        var hasher = Hasher();
        var hash = hasher.Hash("violet staircase under rain");

        hasher.Verify(hash, "violet staircase under rain!").ShouldBe(PasswordVerification.Failed);
        hasher.Verify(hash, "Violet staircase under rain").ShouldBe(PasswordVerification.Failed);
        hasher.Verify(hash, "").ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public void NFKC_equivalent_passwords_verify()
    {
        var hasher = Hasher();

        hasher.Verify(hasher.Hash("\uFF50\uFF41\uFF53\uFF53 caf\u00E9 word"), "pass cafe\u0301 word").ShouldBe(PasswordVerification.Success);
        hasher.Verify(hasher.Hash("\uFB01ne print"), "fine print").ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public void Unicode_and_empty_passwords_round_trip()
    {
        var hasher = Hasher();
        foreach (var password in new[] { "", "\U0001F510\U0001F511 ключ 鍵", new string('x', 1000) })
        {
            hasher.Verify(hasher.Hash(password), password).ShouldBe(PasswordVerification.Success);
        }
    }

    [Fact]
    public void A_tampered_hash_fails()
    {
        var hasher = Hasher();
        var hash = hasher.Hash("violet staircase under rain");
        var lastField = hash.LastIndexOf('$') + 1;

        // A different digest, a different salt, a different iteration count: each fails.
        var digest = hash[lastField..];
        var flipped = hash[..lastField] + (digest[0] == 'A' ? 'B' : 'A') + digest[1..];
        hasher.Verify(flipped, "violet staircase under rain").ShouldBe(PasswordVerification.Failed);

        var saltStart = hash.IndexOf("$i=1000$", StringComparison.Ordinal) + "$i=1000$".Length;
        var otherSalt = hash[..saltStart] + (hash[saltStart] == 'A' ? 'B' : 'A') + hash[(saltStart + 1)..];
        hasher.Verify(otherSalt, "violet staircase under rain").ShouldBe(PasswordVerification.Failed);

        hasher.Verify(hash.Replace("$i=1000$", "$i=1001$", StringComparison.Ordinal), "violet staircase under rain")
            .ShouldBe(PasswordVerification.Failed);
    }

    public static TheoryData<string> MalformedHashes()
    {
        const string salt = "AAAAAAAAAAAAAAAAAAAAAA";
        const string digest = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        return new TheoryData<string>
        {
            "",
            "garbage",
            "$",
            "$fnd-pbkdf2-sha256$",
            $"$fnd-pbkdf2-sha256$v=2$i=1000${salt}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=0${salt}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=01000${salt}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=-1000${salt}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=+1000${salt}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=99999999999${salt}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=${salt}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$1000${salt}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=1000${salt}==${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=1000${salt[..21]}${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=1000${salt}${digest[..42]}",
            $"$fnd-pbkdf2-sha256$v=1$i=1000${salt}${digest}A",
            $"$fnd-pbkdf2-sha256$v=1$i=1000${salt}${digest[..42]}B",
            $"$fnd-pbkdf2-sha256$v=1$i=1000${salt[..21]}!${digest}",
            $"$fnd-pbkdf2-sha256$v=1$i=1000${salt}${digest}$",
            $"$fnd-pbkdf2-sha256$v=1$i=1000${salt}",
            $"$fnd-pbkdf2-sha512$v=1$i=1000${salt}${digest}",
            "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
            "$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e",
            "$2b$05$tooshort",
            "AQAAAA==",
            "AgAAAAEAACcQAAAAEA==",
            "not base64 at all!",
        };
    }

    [Theory]
    [MemberData(nameof(MalformedHashes))]
    public void A_malformed_or_unknown_stored_hash_fails_and_never_throws(string storedHash)
    {
        Hasher().Verify(storedHash, "violet staircase under rain").ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public void A_hash_with_fewer_iterations_than_configured_needs_a_rehash()
    {
        var old = Hasher(1000).Hash("violet staircase under rain");

        Hasher(2000).Verify(old, "violet staircase under rain").ShouldBe(PasswordVerification.SuccessRehashNeeded);
        Hasher(2000).Verify(old, "wrong").ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public void A_hash_with_more_iterations_than_configured_is_current()
    {
        var stronger = Hasher(2000).Hash("violet staircase under rain");

        Hasher(1000).Verify(stronger, "violet staircase under rain").ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public void Rehashing_after_a_rehash_needed_result_makes_a_current_hash()
    {
        var current = Hasher(2000);
        var old = Hasher(1000).Hash("violet staircase under rain");
        current.Verify(old, "violet staircase under rain").ShouldBe(PasswordVerification.SuccessRehashNeeded);

        var rehashed = current.Hash("violet staircase under rain");

        rehashed.ShouldContain("$i=2000$");
        current.Verify(rehashed, "violet staircase under rain").ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public void The_default_cost_is_600000_iterations()
    {
        // The one test at the default cost (about a quarter of a second per hash on the build machines).
        var hasher = new Pbkdf2PasswordHasher(Microsoft.Extensions.Options.Options.Create(new AuthOptions()));

        var hash = hasher.Hash("violet staircase under rain");

        Regex.IsMatch(hash, @"^\$fnd-pbkdf2-sha256\$v=1\$i=600000\$").ShouldBeTrue(hash);
        hasher.Verify(hash, "violet staircase under rain").ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public void Null_arguments_are_programming_errors()
    {
        var hasher = Hasher();

        Should.Throw<ArgumentNullException>(() => hasher.Hash(null!));
        Should.Throw<ArgumentNullException>(() => hasher.Verify(null!, "x"));
        Should.Throw<ArgumentNullException>(() => hasher.Verify("x", null!));
    }
}
