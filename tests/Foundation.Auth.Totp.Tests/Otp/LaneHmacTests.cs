using System.Security.Cryptography;
using Foundation.Auth.Totp.Internal;
using Foundation.Auth.Totp.Otp;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Auth.Totp.Tests.Otp;

/// <summary>
/// The managed, lane-parallel HMAC that TOTP verification uses must equal the BCL's (OpenSSL's) HMAC bit for bit: random
/// keys of 0 to 200 bytes (so also longer than the 64- and 128-byte blocks, which RFC 2104 hashes first), random
/// messages of 0 to 200 bytes (so every padding boundary), 1 to all lanes at once.
/// </summary>
public class LaneHmacTests
{
    public static TheoryData<TotpAlgorithm> Algorithms => new() { TotpAlgorithm.Sha1, TotpAlgorithm.Sha256, TotpAlgorithm.Sha512 };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Hmac_equals_the_bcl_for_random_keys_and_messages(TotpAlgorithm algorithm)
    {
        var random = new Random(20261201 + (int)algorithm);
        var lanes = LaneHmac.Lanes(algorithm);
        var hashBytes = LaneHmac.HashBytes(algorithm);
        var keyState = new ulong[LaneHmac.KeyStateWords];
        var checkedMacs = 0;
        for (var i = 0; i < 2000; i++)
        {
            var key = RandomBytes(random, random.Next(0, 201));
            var messageLength = i < 201 ? i : random.Next(0, 201);
            var count = random.Next(1, lanes + 1);
            var messages = RandomBytes(random, messageLength * count);
            var macs = new byte[count * hashBytes];

            LaneHmac.PrepareKey(key, algorithm, keyState);
            LaneHmac.Compute(algorithm, keyState, messages, messageLength, count, macs);

            for (var lane = 0; lane < count; lane++)
            {
                var message = messages.AsSpan(lane * messageLength, messageLength);
                var expected = BclHmac(algorithm, key, message);
                Convert.ToHexStringLower(macs.AsSpan(lane * hashBytes, hashBytes)).ShouldBe(
                    Convert.ToHexStringLower(expected),
                    $"{algorithm}, key {Convert.ToHexStringLower(key)}, message {Convert.ToHexStringLower(message)}, lane {lane} of {count}");
                checkedMacs++;
            }
        }

        checkedMacs.ShouldBeGreaterThan(2000);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Hmac_of_8_byte_counters_in_all_lanes_equals_the_bcl(TotpAlgorithm algorithm)
    {
        // The shape TOTP uses: one key, a batch of big-endian counters, keys of the recommended lengths and around the block size.
        var random = new Random(4226 + (int)algorithm);
        var lanes = LaneHmac.Lanes(algorithm);
        var hashBytes = LaneHmac.HashBytes(algorithm);
        var keyState = new ulong[LaneHmac.KeyStateWords];
        foreach (var keyLength in new[] { 1, 16, 20, 32, 63, 64, 65, 127, 128, 129 })
        {
            for (var round = 0; round < 50; round++)
            {
                var key = RandomBytes(random, keyLength);
                var messages = new byte[lanes * 8];
                var first = random.NextInt64(0, long.MaxValue - lanes);
                for (var lane = 0; lane < lanes; lane++)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(messages.AsSpan(lane * 8), first + lane);
                }

                var macs = new byte[lanes * hashBytes];
                LaneHmac.PrepareKey(key, algorithm, keyState);
                LaneHmac.Compute(algorithm, keyState, messages, 8, lanes, macs);
                for (var lane = 0; lane < lanes; lane++)
                {
                    macs.AsSpan(lane * hashBytes, hashBytes).ToArray().ShouldBe(BclHmac(algorithm, key, messages.AsSpan(lane * 8, 8)));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Plain_hash_equals_the_bcl_for_every_length_up_to_300(TotpAlgorithm algorithm)
    {
        var random = new Random(180 + (int)algorithm);
        var hashBytes = LaneHmac.HashBytes(algorithm);
        var digest = new byte[LaneHmac.MaxHashBytes];
        for (var length = 0; length <= 300; length++)
        {
            var data = RandomBytes(random, length);
            LaneHmac.Hash(algorithm, data, digest);
#pragma warning disable CA5350 // SHA-1 is the reference here, not a security decision.
            var expected = algorithm switch
            {
                TotpAlgorithm.Sha1 => SHA1.HashData(data),
                TotpAlgorithm.Sha256 => SHA256.HashData(data),
                _ => SHA512.HashData(data),
            };
#pragma warning restore CA5350
            digest.AsSpan(0, hashBytes).ToArray().ShouldBe(expected, $"{algorithm}, {length} bytes");
        }
    }

    [Fact]
    public void Known_answers_of_fips_180_and_rfc_4231()
    {
        // FIPS 180-2 "abc" digests and RFC 4231 test case 2 (key "Jefe"), independent of the BCL.
        var digest = new byte[LaneHmac.MaxHashBytes];
        LaneHmac.Hash(TotpAlgorithm.Sha1, "abc"u8, digest);
        Convert.ToHexStringLower(digest.AsSpan(0, 20)).ShouldBe("a9993e364706816aba3e25717850c26c9cd0d89d");
        LaneHmac.Hash(TotpAlgorithm.Sha256, "abc"u8, digest);
        Convert.ToHexStringLower(digest.AsSpan(0, 32)).ShouldBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        LaneHmac.Hash(TotpAlgorithm.Sha512, "abc"u8, digest);
        Convert.ToHexStringLower(digest).ShouldBe(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");

        var keyState = new ulong[LaneHmac.KeyStateWords];
        var mac = new byte[LaneHmac.MaxHashBytes];
        LaneHmac.PrepareKey("Jefe"u8, TotpAlgorithm.Sha256, keyState);
        LaneHmac.Compute(TotpAlgorithm.Sha256, keyState, "what do ya want for nothing?"u8, 28, 1, mac);
        Convert.ToHexStringLower(mac.AsSpan(0, 32)).ShouldBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        LaneHmac.PrepareKey("Jefe"u8, TotpAlgorithm.Sha512, keyState);
        LaneHmac.Compute(TotpAlgorithm.Sha512, keyState, "what do ya want for nothing?"u8, 28, 1, mac);
        Convert.ToHexStringLower(mac).ShouldBe(
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    }

    [Fact]
    public void Avx2_is_available_on_this_machine_so_the_managed_path_is_the_one_tested()
    {
        // Not a requirement of the library (it falls back to the BCL's HMAC), but without it the tests below would
        // compare the fallback with itself. CI and the development machines are x64 with AVX2.
        LaneHmac.IsSupported.ShouldBeTrue("the managed HMAC needs AVX2 (x64); elsewhere Totp falls back to the BCL HMAC");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Hotp_values_equal_the_one_shot_bcl_path(TotpAlgorithm algorithm)
    {
        var random = new Random(6238 + (int)algorithm);
        for (var i = 0; i < 1000; i++)
        {
            var secret = RandomBytes(random, random.Next(1, 201));
            var counter = i % 2 == 0 ? random.NextInt64(0, long.MaxValue) : random.Next(0, int.MaxValue) + (long)uint.MaxValue - 3;
            Hotp.Truncate(secret, counter, algorithm).ShouldBe(Hotp.TruncateOneShot(secret, counter, algorithm), $"{algorithm}, counter {counter}");
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Verify_agrees_with_the_one_shot_bcl_path_on_matches_misses_and_the_reported_step(TotpAlgorithm algorithm)
    {
        var random = new Random(1000 + (int)algorithm);
        var matches = 0;
        for (var i = 0; i < 600; i++)
        {
            var secret = TotpSecret.Generate(algorithm);
            var digits = random.Next(6, 9);
            var window = random.Next(0, TotpCode.MaxWindow + 1);
            var now = DateTimeOffset.FromUnixTimeSeconds(i < 10 ? random.Next(0, 400) : random.NextInt64(0, 4_000_000_000));

            // A code from a random step near now (inside or just outside the window), or a random code.
            var offset = random.Next(-window - 2, window + 3);
            var step = TotpCode.GetTimeStep(now) + offset;
            var code = i % 4 == 3 || step < 0
                ? random.Next(0, (int)Math.Pow(10, digits)).ToString($"D{digits}", System.Globalization.CultureInfo.InvariantCulture)
                : Hotp.Compute(secret, step, digits, algorithm);

            var managed = TotpCode.Verify(secret, code, now, window, out var managedStep, digits, algorithm);
            var oneShot = TotpCode.VerifyOneShot(secret, code, now, window, out var oneShotStep, digits, algorithm);
            managed.ShouldBe(oneShot, $"{algorithm}, {digits} digits, window {window}, now {now:O}, code {code}");
            managedStep.ShouldBe(oneShotStep);
            if (managed)
            {
                matches++;
            }
        }

        matches.ShouldBeGreaterThan(200);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Verification_with_the_largest_window_allocates_nothing(TotpAlgorithm algorithm)
    {
        var secret = TotpSecret.Generate(algorithm);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var code = TotpCode.Compute(secret, now.AddSeconds(-300), 8, algorithm);
        TotpCode.Verify(secret, code, now, TotpCode.MaxWindow, out _, 8, algorithm).ShouldBeTrue();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ok = true;
        for (var i = 0; i < 50; i++)
        {
            ok &= TotpCode.Verify(secret, code, now, TotpCode.MaxWindow, out var step, 8, algorithm) && step == TotpCode.GetTimeStep(now) - 10;
            ok &= !TotpCode.Verify(secret, "00000000", now, 1, out _, 8, algorithm) || code == "00000000";
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        ok.ShouldBeTrue();
        allocated.ShouldBe(0);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] BclHmac(TotpAlgorithm algorithm, byte[] key, ReadOnlySpan<byte> message)
    {
#pragma warning disable CA5350 // HMAC-SHA-1 is the reference here.
        return algorithm switch
        {
            TotpAlgorithm.Sha1 => HMACSHA1.HashData(key, message),
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(key, message),
            _ => HMACSHA512.HashData(key, message),
        };
#pragma warning restore CA5350
    }
}
