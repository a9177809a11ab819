namespace Foundation.Audit;

/// <summary>
/// Personal fields of new events (the acting user's id, client IP, user agent, details) are encrypted with a data key per person and
/// tenant (AES-256-GCM; the key protected by the host's <c>ISecretProtector</c>). Erasing the person destroys the key: the fields become
/// unreadable while the chain, which hashes the ciphertext, still verifies.
/// </summary>
public sealed class AuditPersonalDataOptions
{
    /// <summary>
    /// <see langword="null"/> (the default): encrypt when an <c>ISecretProtector</c> is registered (Foundation.Hosting always registers one);
    /// <see langword="true"/>: encrypt, and fail the start when no protector is registered; <see langword="false"/>: store personal fields in
    /// clear (erasure then cannot make them unreadable).
    /// </summary>
    public bool? EncryptFields { get; set; }
}
