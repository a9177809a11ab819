using Foundation.Auth.Passwords;

namespace Foundation.Auth.Tests.Passwords;

/// <summary>bcrypt verification (BCrypt.Net-Next behind our format checks) against test vectors that other implementations published.</summary>
public class BcryptTestVectorTests
{
    /// <summary>
    /// Openwall's crypt_blowfish 1.3, wrapper.c <c>tests[]</c> (Solar Designer, public domain;
    /// https://www.openwall.com/crypt/): the vectors whose passwords are text. They cover the empty password, the 72-byte
    /// limit and <c>$2a$</c>. The rows made of raw 8-bit bytes that are not UTF-8 (<c>\xff\xff\xa3</c>, <c>\xaa\x55</c>, ...)
    /// are not here: passwords reach the hasher as strings, are hashed as UTF-8, and BCrypt.Net-Next takes strings only,
    /// so no such byte sequence can be a password of this library.
    /// </summary>
    public static TheoryData<string, string> OpenwallVectors() => new()
    {
        { "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U" },
        { "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", "U*U*" },
        { "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U" },
        {
            "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored"
        },
        { "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy", "" },
    };

    [Theory]
    [MemberData(nameof(OpenwallVectors))]
    public void Openwall_crypt_blowfish_vectors_verify(string hash, string password)
    {
        ImportedPasswordHashes.VerifyBcrypt(password, hash).ShouldBeTrue();
        ImportedPasswordHashes.VerifyBcrypt(password + "x", hash).ShouldBe(password.Length >= 72, "a byte after the 72nd does not count; before, it does");
    }

    /// <summary>
    /// jBCrypt's TestBCrypt.java (Damien Miller, ISC license; https://www.mindrot.org/projects/jBCrypt/), the vectors
    /// py-bcrypt and Spring Security also test with: four passwords at costs 6, 8, 10 and 12, including the empty one.
    /// </summary>
    [Theory]
    [InlineData("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.")]
    [InlineData("", "$2a$08$HqWuK6/Ng6sg9gQzbLrgb.Tl.ZHfXLhvt/SgVyWhQqgqcZ7ZuUtye")]
    [InlineData("", "$2a$10$k1wbIrmNyFAPwPVPSVa/zecw2BCEnBwVS2GbrmgzxFUOqW9dk4TCW")]
    [InlineData("", "$2a$12$k42ZFHFWqBp3vWli.nIn8uYyIkbvYRvodzbfbK18SSsY.CsIQPlxO")]
    [InlineData("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe")]
    [InlineData("a", "$2a$08$cfcvVd2aQ8CMvoMpP2EBfeodLEkkFJ9umNEfPD18.hUF62qqlC/V.")]
    [InlineData("a", "$2a$10$k87L/MF28Q673VKh8/cPi.SUl7MU/rWuSiIDDFayrKk/1tBsSQu4u")]
    [InlineData("a", "$2a$12$8NJH3LsPrANStV6XtBakCez0cKHXVxmvxIlcz785vxAIZrihHZpeS")]
    [InlineData("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i")]
    [InlineData("abc", "$2a$08$Ro0CUfOqk6cXEKf3dyaM7OhSCvnwM9s4wIX9JeLapehKK5YdLxKcm")]
    [InlineData("abc", "$2a$10$WvvTPHKwdBJ3uk0Z37EMR.hLA2W6N9AEBhEgrAOljy2Ae5MtaSIUi")]
    [InlineData("abc", "$2a$12$EXRkfkdmXn2gzds2SSitu.MW9.gAVqa9eLS1//RYtYCmB1eLHg.9q")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "$2a$08$aTsUwsyowQuzRrDqFflhgekJ8d9/7Z3GV3UcgvzQW3J5zMyrTvlz.")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "$2a$10$fVH8e28OQRj9tqiDXs1e1uxpsjN0c7II7YPKXua2NAKYvM6iQk7dq")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "$2a$12$D4G5f18o7aMMfwasBL7GpuQWuP3pkrZrOAnqP.bmezbMng.QwJ/pG")]
    [InlineData("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO")]
    [InlineData("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$08$Eq2r4G/76Wv39MzSX262huzPz612MZiYHVUJe/OcOql2jo4.9UxTW")]
    [InlineData("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$10$LgfYWkbzEvQ4JakH7rOvHe0y8pHKF9OaFgwUZ2q7W2FFZmZzJYlfS")]
    [InlineData("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$12$WApznUOJfkEGSmYRfnkrPOr466oFDCaj4b6HY3EXGvfxm43seyhgC")]
    public void JBCrypt_vectors_verify(string password, string hash)
    {
        ImportedPasswordHashes.VerifyBcrypt(password, hash).ShouldBeTrue();
        ImportedPasswordHashes.VerifyBcrypt(password + "x", hash).ShouldBeFalse();
    }

    /// <summary>
    /// UTF-8 passwords: "ππππππππ" from Bouncy Castle's OpenBsdBCryptTest (taken there from a Stack Overflow answer), and a
    /// Greek sentence with combining-free polytonic letters from riverrun/bcrypt_elixir's test/base_test.exs
    /// ("Consistency tests", generated with OpenBSD's bcrypt).
    /// </summary>
    [Theory]
    [InlineData("ππππππππ", "$2a$10$.TtQJ4Jr6isd4Hp.mVfZeuh6Gws4rOQ/vdBczhDx.19NFK0Y84Dle")]
    [InlineData("ἓν οἶδα ὅτι οὐδὲν οἶδα", "$2b$12$LeHKWR2bmrazi/6P22JpauX5my/eKwwKpWqL7L5iEByBnxNc76FRW")]
    [InlineData("p@5sw0rd", "$2b$12$zQ4CooEXdGqcwi0PHsgc8eAf0DLXE/XHoBE8kCSGQ97rXwuClaPam")]
    public void UTF8_vectors_verify(string password, string hash)
    {
        ImportedPasswordHashes.VerifyBcrypt(password, hash).ShouldBeTrue();
        ImportedPasswordHashes.VerifyBcrypt(password[..^1], hash).ShouldBeFalse();
    }

    /// <summary>
    /// OpenBSD's long-password vectors (as carried by riverrun/bcrypt_elixir's test/base_test.exs): "0123456789" repeated to
    /// 255 and 256 characters. Under <c>$2b$</c> only the first 72 bytes count, so both equal the hash of those 72 bytes.
    /// </summary>
    [Fact]
    public void Long_passwords_count_their_first_72_bytes_under_2b()
    {
        var digits = string.Concat(Enumerable.Repeat("0123456789", 26));
        const string hash = "$2b$05$CCCCCCCCCCCCCCCCCCCCC.XxrQqgBi/5Sxuq9soXzDtjIZ7w5pMfK";

        ImportedPasswordHashes.VerifyBcrypt(digits[..255], hash).ShouldBeTrue();
        ImportedPasswordHashes.VerifyBcrypt(digits[..256], hash).ShouldBeTrue();
        ImportedPasswordHashes.VerifyBcrypt(digits[..72], hash).ShouldBeTrue();
        ImportedPasswordHashes.VerifyBcrypt(digits[..71], hash).ShouldBeFalse();
    }

    /// <summary>
    /// The same source's "72 zeros" vector, equal under <c>$2a$</c> and <c>$2b$</c>; and its "old <c>$2a$</c>" vectors,
    /// where pre-2014 OpenBSD hashed the 255/256-character passwords above as (length + 1) mod 256 = 0/1 bytes, i.e. as
    /// "0" repeated. That bug is not reproduced: here <c>$2a$</c> means the first 72 bytes, as in crypt_blowfish, PHP,
    /// bcryptjs, Python's bcrypt and jBCrypt, so such a hash does not verify with the long password (docs/auth-passwords.md).
    /// </summary>
    [Fact]
    public void Old_OpenBSD_2a_hashes_of_passwords_over_254_bytes_are_not_emulated()
    {
        var zeros = new string('0', 72);
        ImportedPasswordHashes.VerifyBcrypt(zeros, "$2a$05$CCCCCCCCCCCCCCCCCCCCC.6.O1dLNbjod2uo0DVcW.jHucKbPDdHS").ShouldBeTrue();
        ImportedPasswordHashes.VerifyBcrypt(zeros, "$2b$05$CCCCCCCCCCCCCCCCCCCCC.6.O1dLNbjod2uo0DVcW.jHucKbPDdHS").ShouldBeTrue();

        var digits = string.Concat(Enumerable.Repeat("0123456789", 26));
        ImportedPasswordHashes.VerifyBcrypt(digits[..255], "$2a$05$CCCCCCCCCCCCCCCCCCCCC.6.O1dLNbjod2uo0DVcW.jHucKbPDdHS").ShouldBeFalse();
    }

    /// <summary>
    /// crypt_blowfish's <c>$2x$</c> hashes (wrapper.c) are made with its old sign-extension bug; they are refused, even
    /// where the bug cannot have mattered (ASCII passwords) and the digest equals the correct one.
    /// </summary>
    [Theory]
    [InlineData("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U", true)]
    [InlineData("$2x$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.", "", true)]
    [InlineData("$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e", "\u00a3", false)]
    public void The_buggy_2x_prefix_is_refused(string hash, string password, bool verifiesAs2a)
    {
        ImportedPasswordHashes.VerifyBcrypt(password, hash).ShouldBeFalse();

        // For the ASCII rows only the prefix is wrong: the same hash with $2a$ verifies.
        ImportedPasswordHashes.VerifyBcrypt(password, "$2a$" + hash[4..]).ShouldBe(verifiesAs2a);
    }

    public static TheoryData<string> MalformedHashes() => new()
    {
        "",
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.",
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWW",
        "$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2a$32$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2a$5$CCCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2a$0a$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2c$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2z$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2`$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2{$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2A$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2$05$CCCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!",
        "$2a$05$CCCCCCCCCCCCCCCCCCCC-.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeé",
        "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe=",
        "x2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
    };

    [Theory]
    [MemberData(nameof(MalformedHashes))]
    public void A_malformed_hash_does_not_verify_and_does_not_throw(string hash)
    {
        ImportedPasswordHashes.VerifyBcrypt("U*U", hash).ShouldBeFalse();
    }

    [Fact]
    public void The_digest_must_match_exactly_including_its_unused_low_bits()
    {
        // The 31st digest character carries 4 bits of the 23rd byte and 2 unused bits; a string compare (as
        // crypt_blowfish and bcryptjs do) rejects a hash whose unused bits differ.
        ImportedPasswordHashes.VerifyBcrypt("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW").ShouldBeTrue();
        ImportedPasswordHashes.VerifyBcrypt("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeX").ShouldBeFalse();
    }

    [Fact]
    public void Bcrypt_hashes_verify_through_the_hasher_and_need_a_rehash()
    {
        var hasher = new Pbkdf2PasswordHasher(PasswordTestOptions.Create());

        hasher.Verify("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U").ShouldBe(PasswordVerification.SuccessRehashNeeded);
        hasher.Verify("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U*").ShouldBe(PasswordVerification.Failed);
        hasher.Verify("$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.", "").ShouldBe(PasswordVerification.SuccessRehashNeeded);
    }

    [Fact]
    public void Null_arguments_are_programming_errors()
    {
        Should.Throw<ArgumentNullException>(() => ImportedPasswordHashes.VerifyBcrypt((string)null!, "$2a$"));
        Should.Throw<ArgumentNullException>(() => ImportedPasswordHashes.VerifyBcrypt("x", null!));
    }
}
