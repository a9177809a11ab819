namespace Foundation.Security;

/// <summary>
/// Encrypts secrets that must be read back later (TOTP secrets, provider API keys) so they are never
/// stored in clear. Foundation.Hosting backs it with ASP.NET Core Data Protection and a persisted key ring.
/// </summary>
/// <remarks>
/// A <em>purpose</em> isolates uses from each other: a value protected for <c>Foundation.Auth.Totp</c>
/// cannot be unprotected for <c>Foundation.Llm.ProviderKeys</c>. Values that only need comparing
/// (passwords, tokens, recovery codes) are hashed, not protected.
/// </remarks>
public interface ISecretProtector
{
    /// <summary>Encrypts and authenticates <paramref name="plaintext"/> for <paramref name="purpose"/>.</summary>
    /// <returns>An opaque, URL-safe string to store.</returns>
    string Protect(string purpose, string plaintext);

    /// <summary>Decrypts a value produced by <see cref="Protect"/> with the same <paramref name="purpose"/>.</summary>
    /// <exception cref="SecretProtectionException">The value was tampered with, made for another purpose, or its key is gone.</exception>
    string Unprotect(string purpose, string protectedValue);
}
