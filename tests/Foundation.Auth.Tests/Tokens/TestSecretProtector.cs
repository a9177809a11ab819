using System.Security.Cryptography;
using Foundation.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Foundation.Auth.Tests.Tokens;

/// <summary>An <see cref="ISecretProtector"/> on an in-memory Data Protection key ring (each instance has its own keys).</summary>
public sealed class TestSecretProtector : ISecretProtector
{
    private readonly EphemeralDataProtectionProvider _provider = new EphemeralDataProtectionProvider();

    public int UnprotectCalls { get; private set; }

    public string Protect(string purpose, string plaintext) => _provider.CreateProtector(purpose).Protect(plaintext);

    public string Unprotect(string purpose, string protectedValue)
    {
        UnprotectCalls++;
        try
        {
            return _provider.CreateProtector(purpose).Unprotect(protectedValue);
        }
        catch (CryptographicException ex)
        {
            throw new SecretProtectionException($"Could not unprotect for '{purpose}'.", ex);
        }
    }
}
