using System.Security.Cryptography;
using Foundation.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Foundation.Hosting.Security;

/// <summary>
/// <see cref="ISecretProtector"/> on ASP.NET Core Data Protection: authenticated encryption with a rotating,
/// persisted key ring (by default in <c>{DataDirectory}/keys</c>). Each purpose gets its own protector.
/// </summary>
public sealed class DataProtectionSecretProtector : ISecretProtector
{
    private const string RootPurpose = "Foundation.SecretProtector";
    private readonly IDataProtector _root;

    /// <summary>Creates the protector over <paramref name="provider"/>.</summary>
    public DataProtectionSecretProtector(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _root = provider.CreateProtector(RootPurpose);
    }

    /// <inheritdoc />
    public string Protect(string purpose, string plaintext)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        ArgumentNullException.ThrowIfNull(plaintext);
        return _root.CreateProtector(purpose).Protect(plaintext);
    }

    /// <inheritdoc />
    public string Unprotect(string purpose, string protectedValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        ArgumentNullException.ThrowIfNull(protectedValue);
        try
        {
            return _root.CreateProtector(purpose).Unprotect(protectedValue);
        }
        catch (CryptographicException ex)
        {
            throw new SecretProtectionException(
                $"The secret protected for '{purpose}' could not be read: it was altered, made for another purpose, or its key is no longer in the key ring.",
                ex);
        }
    }
}
