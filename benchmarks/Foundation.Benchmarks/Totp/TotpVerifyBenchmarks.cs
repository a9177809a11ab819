using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Foundation.Auth.Totp.Otp;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Benchmarks.Totp;

/// <summary>
/// TOTP verification with a window of +-1 step, storage excluded (target: at most 1 us and 0 bytes allocated), for each
/// algorithm and 6 or 8 digits: a code that matches nothing (all three steps computed, the worst case) and one that
/// matches the last step checked (now + 1). <c>Totp.Verify</c> computes every step either way.
/// </summary>
/// <remarks>
/// The other rows are the alternatives measured before choosing the managed lane HMAC: the BCL one-shot
/// <c>HMACSHA*.HashData</c> per step (the previous implementation, still the fallback without SIMD), one
/// <c>IncrementalHash.CreateHMAC</c> per verification reused for the three steps, and one <c>HMACSHA*</c> object reused
/// the same way. Both reusable BCL objects allocate per verification, because the key differs per user.
/// </remarks>
[MemoryDiagnoser]
public class TotpVerifyBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_234_567_890);

    private byte[] _secret = null!;
    private string _nextStepCode = null!;
    private string _wrongCode = null!;

    /// <summary>The HMAC hash function.</summary>
    [Params(TotpAlgorithm.Sha1, TotpAlgorithm.Sha256, TotpAlgorithm.Sha512)]
    public TotpAlgorithm Algorithm { get; set; }

    /// <summary>The code length.</summary>
    [Params(6, 8)]
    public int Digits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _secret = TotpSecret.Generate(Algorithm);
        _nextStepCode = TotpCode.Compute(_secret, Now.AddSeconds(30), Digits, Algorithm);
        // A code that matches none of the three steps.
        _wrongCode = new string('0', Digits);
        while (TotpCode.Verify(_secret, _wrongCode, Now, 1, out _, Digits, Algorithm))
        {
            _wrongCode = (int.Parse(_wrongCode, System.Globalization.CultureInfo.InvariantCulture) + 1)
                .ToString($"D{Digits}", System.Globalization.CultureInfo.InvariantCulture);
        }

        var current = TotpCode.GetTimeStep(Now);
        if (!TotpCode.Verify(_secret, _nextStepCode, Now, 1, out var step, Digits, Algorithm) || step != current + 1
            || VerifyIncremental(_nextStepCode) != current + 1 || VerifyHmacObject(_nextStepCode) != current + 1
            || !TotpCode.VerifyOneShot(_secret, _nextStepCode, Now, 1, out step, Digits, Algorithm) || step != current + 1
            || VerifyIncremental(_wrongCode) != -1 || VerifyHmacObject(_wrongCode) != -1)
        {
            throw new InvalidOperationException("benchmark setup is wrong");
        }
    }

    [Benchmark(Description = "Verify, window 1, no match (3 steps)")]
    public long VerifyNoMatch() => TotpCode.Verify(_secret, _wrongCode, Now, 1, out var step, Digits, Algorithm) ? step : -1;

    [Benchmark(Description = "Verify, window 1, matches now+1")]
    public long VerifyMatchLast() => TotpCode.Verify(_secret, _nextStepCode, Now, 1, out var step, Digits, Algorithm) ? step : -1;

    [Benchmark(Baseline = true, Description = "Alternative: one-shot HMAC.HashData per step (before)")]
    public long VerifyOneShotNoMatch() => TotpCode.VerifyOneShot(_secret, _wrongCode, Now, 1, out var step, Digits, Algorithm) ? step : -1;

    [Benchmark(Description = "Alternative: IncrementalHash.CreateHMAC reused for 3 steps")]
    public long VerifyIncrementalNoMatch() => VerifyIncremental(_wrongCode);

    [Benchmark(Description = "Alternative: HMACSHA* object reused for 3 steps")]
    public long VerifyHmacObjectNoMatch() => VerifyHmacObject(_wrongCode);

    private HashAlgorithmName HashName => Algorithm switch
    {
        TotpAlgorithm.Sha1 => HashAlgorithmName.SHA1,
        TotpAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        _ => HashAlgorithmName.SHA512,
    };

    private long VerifyIncremental(string code)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashName, _secret);
        return VerifyWith(code, hmac, null);
    }

    private long VerifyHmacObject(string code)
    {
#pragma warning disable CA5350 // RFC 6238's SHA-1, measured for comparison.
        using HMAC hmac = Algorithm switch
        {
            TotpAlgorithm.Sha1 => new HMACSHA1(_secret),
            TotpAlgorithm.Sha256 => new HMACSHA256(_secret),
            _ => new HMACSHA512(_secret),
        };
#pragma warning restore CA5350
        return VerifyWith(code, null, hmac);
    }

    /// <summary>The same steps, order, truncation and constant-time comparison as Totp.Verify, on a given HMAC.</summary>
    private long VerifyWith(string code, IncrementalHash? incremental, HMAC? hmac)
    {
        Span<byte> typed = stackalloc byte[Digits];
        for (var i = 0; i < Digits; i++)
        {
            typed[i] = (byte)code[i];
        }

        Span<byte> message = stackalloc byte[8];
        Span<byte> hash = stackalloc byte[64];
        Span<byte> expected = stackalloc byte[Digits];
        var power = Digits == 6 ? 1_000_000 : 100_000_000;
        var current = TotpCode.GetTimeStep(Now);
        var matched = -1L;
        for (var i = 0; i < 3; i++)
        {
            var step = i switch { 0 => current, 1 => current - 1, _ => current + 1 };
            BinaryPrimitives.WriteInt64BigEndian(message, step);
            int length;
            if (incremental is not null)
            {
                incremental.AppendData(message);
                length = incremental.GetHashAndReset(hash);
            }
            else
            {
                _ = hmac!.TryComputeHash(message, hash, out length);
            }

            var offset = hash[length - 1] & 0x0F;
            var value = (BinaryPrimitives.ReadInt32BigEndian(hash.Slice(offset, 4)) & 0x7FFF_FFFF) % power;
            for (var d = Digits - 1; d >= 0; d--)
            {
                expected[d] = (byte)('0' + (value % 10));
                value /= 10;
            }

            if (CryptographicOperations.FixedTimeEquals(expected, typed) && matched < 0)
            {
                matched = step;
            }
        }

        CryptographicOperations.ZeroMemory(hash);
        return matched;
    }
}
