using BenchmarkDotNet.Attributes;
using Foundation.Auth.Totp.Encoding;
using Foundation.Auth.Totp.Otp;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Benchmarks.Totp;

/// <summary>
/// The TOTP hot path without storage, besides verification (<see cref="TotpVerifyBenchmarks"/>): computing a code,
/// verifying SHA-1 with a window of +-1 step (kept for comparison with earlier runs), and decoding a 32-character Base32
/// secret (20 bytes, what an app stores or a user types).
/// </summary>
[MemoryDiagnoser]
public class TotpBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_234_567_890);

    private byte[] _sha1Secret = null!;
    private byte[] _sha512Secret = null!;
    private string _nextStepCode = null!;
    private string _nextStepCodeSha512 = null!;
    private string _secretBase32 = null!;
    private readonly char[] _codeBuffer = new char[8];
    private readonly byte[] _secretBuffer = new byte[20];

    [GlobalSetup]
    public void Setup()
    {
        _sha1Secret = TotpSecret.Generate(TotpAlgorithm.Sha1);
        _sha512Secret = TotpSecret.Generate(TotpAlgorithm.Sha512);
        _nextStepCode = TotpCode.Compute(_sha1Secret, Now.AddSeconds(30));
        _nextStepCodeSha512 = TotpCode.Compute(_sha512Secret, Now.AddSeconds(30), algorithm: TotpAlgorithm.Sha512);
        _secretBase32 = Base32.Encode(_sha1Secret);
        if (_secretBase32.Length != 32 || !TotpCode.Verify(_sha1Secret, _nextStepCode, Now, 1, out var step) || step != TotpCode.GetTimeStep(Now) + 1)
        {
            throw new InvalidOperationException("benchmark setup is wrong");
        }
    }

    [Benchmark(Description = "Compute SHA-1, 6 digits (string)")]
    public string ComputeSha1() => TotpCode.Compute(_sha1Secret, Now);

    [Benchmark(Description = "Hotp.TryCompute SHA-1, 6 digits (span)")]
    public bool TryComputeSha1() => Hotp.TryCompute(_sha1Secret, 41_152_263, 6, TotpAlgorithm.Sha1, _codeBuffer, out _);

    [Benchmark(Baseline = true, Description = "Verify SHA-1, window 1, matches now+1")]
    public long VerifySha1Window1() => TotpCode.Verify(_sha1Secret, _nextStepCode, Now, 1, out var step) ? step : -1;

    [Benchmark(Description = "Verify SHA-1, window 1, wrong code")]
    public long VerifySha1Window1Wrong() => TotpCode.Verify(_sha1Secret, "000000", Now, 1, out var step) ? step : -1;

    [Benchmark(Description = "Verify SHA-512, window 1, matches now+1")]
    public long VerifySha512Window1() =>
        TotpCode.Verify(_sha512Secret, _nextStepCodeSha512, Now, 1, out var step, algorithm: TotpAlgorithm.Sha512) ? step : -1;

    [Benchmark(Description = "Base32.Decode, 32 chars (byte[])")]
    public byte[] Base32Decode() => Base32.Decode(_secretBase32);

    [Benchmark(Description = "Base32.TryDecode, 32 chars (span)")]
    public bool Base32TryDecode() => Base32.TryDecode(_secretBase32, _secretBuffer, out _);
}
