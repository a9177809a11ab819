using BenchmarkDotNet.Attributes;
using Foundation.Auth;
using Foundation.Auth.Passwords;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Foundation.Benchmarks.Auth;

/// <summary>
/// What one login costs: hashing and verifying at the default 600,000 PBKDF2-HMAC-SHA256 iterations, and verifying the
/// imported formats (a bcrypt cost-10 hash, an ASP.NET Core Identity V3 hash at .NET 10's default of HMAC-SHA512 with
/// 100,000 iterations). The mean time of Verify is what sizes a host's login capacity (docs/auth-passwords.md).
/// </summary>
[MemoryDiagnoser]
public class PasswordHashingBenchmarks
{
    private const string Password = "violet staircase under rain";

    // jBCrypt's published test vector (cost 10).
    private const string BcryptPassword = "abcdefghijklmnopqrstuvwxyz";
    private const string BcryptCost10 = "$2a$10$fVH8e28OQRj9tqiDXs1e1uxpsjN0c7II7YPKXua2NAKYvM6iQk7dq";

    private Pbkdf2PasswordHasher _hasher = null!;
    private string _current = null!;
    private string _identityV3 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hasher = new Pbkdf2PasswordHasher(Options.Create(new AuthOptions()));
        _current = _hasher.Hash(Password);
        _identityV3 = new PasswordHasher<object>().HashPassword(new object(), Password);
        if (_hasher.Verify(_current, Password) != PasswordVerification.Success
            || _hasher.Verify(BcryptCost10, BcryptPassword) != PasswordVerification.SuccessRehashNeeded
            || _hasher.Verify(_identityV3, Password) != PasswordVerification.SuccessRehashNeeded)
        {
            throw new InvalidOperationException("The benchmark's hashes do not verify.");
        }
    }

    [Benchmark(Description = "Hash (PBKDF2-SHA256, 600,000 iterations)")]
    public string Hash() => _hasher.Hash(Password);

    [Benchmark(Baseline = true, Description = "Verify (PBKDF2-SHA256, 600,000 iterations)")]
    public PasswordVerification Verify() => _hasher.Verify(_current, Password);

    [Benchmark(Description = "Verify bcrypt $2a$ cost 10")]
    public PasswordVerification VerifyBcrypt() => _hasher.Verify(BcryptCost10, BcryptPassword);

    [Benchmark(Description = "Verify Identity V3 (HMAC-SHA512, 100,000 iterations)")]
    public PasswordVerification VerifyIdentityV3() => _hasher.Verify(_identityV3, Password);
}
