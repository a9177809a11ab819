using Foundation.Callers;
using Foundation.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Foundation.Audit.Tests.Infrastructure;

/// <summary>A clock the test moves.</summary>
public sealed class TestTimeProvider : TimeProvider
{
    private long _now;

    public TestTimeProvider(DateTimeOffset? start = null) => _now = (start ?? new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero)).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _now), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);
}

/// <summary>A caller whose fields the test sets.</summary>
public sealed class TestCaller : ICurrentCaller
{
    public string? UserId { get; set; }

    public string? TenantId { get; set; }

    public IReadOnlyList<string> Roles { get; set; } = [];

    public string? RequestId { get; set; }
}

/// <summary>ASP.NET Core Data Protection with an in-memory key ring, behind the Foundation contract (as Hosting backs it, minus persistence).</summary>
public sealed class TestSecretProtector : ISecretProtector
{
    private readonly EphemeralDataProtectionProvider _provider = new EphemeralDataProtectionProvider();

    public string Protect(string purpose, string plaintext) => _provider.CreateProtector(purpose).Protect(plaintext);

    public string Unprotect(string purpose, string protectedValue)
    {
        try
        {
            return _provider.CreateProtector(purpose).Unprotect(protectedValue);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new SecretProtectionException("The value cannot be unprotected.", ex);
        }
    }
}
