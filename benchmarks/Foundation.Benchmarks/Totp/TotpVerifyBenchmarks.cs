using BenchmarkDotNet.Attributes;
using Foundation.Auth.Totp.Otp;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Benchmarks.Totp;

/// <summary>
/// TOTP verification with a window of +-1 step, storage excluded, for each algorithm and 6 or 8 digits: a code that
/// matches nothing (all three steps computed, the worst case) and one that matches the last step checked (now + 1).
/// Verification runs on Otp.NET; the earlier "at most 1 us" target is withdrawn (a login makes a database round trip).
/// </summary>
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
        if (!TotpCode.Verify(_secret, _nextStepCode, Now, 1, out var step, Digits, Algorithm) || step != current + 1)
        {
            throw new InvalidOperationException("benchmark setup is wrong");
        }
    }

    [Benchmark(Description = "Verify, window 1, no match (3 steps)")]
    public long VerifyNoMatch() => TotpCode.Verify(_secret, _wrongCode, Now, 1, out var step, Digits, Algorithm) ? step : -1;

    [Benchmark(Description = "Verify, window 1, matches now+1")]
    public long VerifyMatchLast() => TotpCode.Verify(_secret, _nextStepCode, Now, 1, out var step, Digits, Algorithm) ? step : -1;
}
