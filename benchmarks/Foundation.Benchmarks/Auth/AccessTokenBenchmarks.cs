using BenchmarkDotNet.Attributes;
using Foundation.Auth;
using Foundation.Auth.Internal;
using Foundation.Auth.Tokens;
using Foundation.Hosting.Security;
using Foundation.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Benchmarks.Auth;

/// <summary>
/// Access-token validation on the request hot path (target: at most 20 us), through
/// <see cref="IAccessTokenService.ValidateAsync"/> with a warm key ring, and issuing for comparison.
/// </summary>
[MemoryDiagnoser]
public class AccessTokenBenchmarks
{
    private ServiceProvider _provider = null!;
    private IAccessTokenService _service = null!;
    private AccessTokenRequest _request = null!;
    private string _token = null!;

    [Params("HS256", "ES256", "RS256")]
    public string Algorithm { get; set; } = "HS256";

    [GlobalSetup]
    public void Setup()
    {
        // As a host registers it: the in-memory key store, the ring and the service behind IAccessTokenService.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISecretProtector>(new DataProtectionSecretProtector(new EphemeralDataProtectionProvider()));
        services.AddOptions<AuthOptions>().Configure(o => o.Tokens.Algorithm = Algorithm);
        AuthRegistration.RegisterTokens(services);
        _provider = services.BuildServiceProvider();
        _service = _provider.GetRequiredService<IAccessTokenService>();
        _request = new AccessTokenRequest(Guid.CreateVersion7(), "acme", ["admin", "member"], Guid.CreateVersion7(), "Q2FGQ0FXNFdTQ1JJQkJQ", "ada@example.com");
        _token = _service.IssueAsync(_request).AsTask().GetAwaiter().GetResult().Token;
        if (!_service.ValidateAsync(_token).AsTask().GetAwaiter().GetResult().IsValid)
        {
            throw new InvalidOperationException("The benchmark token does not validate.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark]
    public async Task<bool> Validate() => (await _service.ValidateAsync(_token)).IsValid;

    [Benchmark]
    public async Task<string> Issue() => (await _service.IssueAsync(_request)).Token;
}
