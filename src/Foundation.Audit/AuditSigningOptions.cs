namespace Foundation.Audit;

/// <summary>
/// HMAC-SHA256 checkpoint keys. Either configure them here (<c>Keys</c>: key id to base64 key of at least 32 bytes, and
/// <c>ActiveKeyId</c>), or leave <c>Keys</c> empty and register an <c>ISecretProtector</c>: the package then generates a key,
/// stores it protected in <c>audit_signing_keys</c> and rotates it with <c>AuditSigningKeyRing.RotateAsync</c>.
/// </summary>
public sealed class AuditSigningOptions
{
    /// <summary>Key id to base64-encoded key (32 bytes or more). Keep retired keys here so older checkpoints still verify.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The key that signs new checkpoints; required when <see cref="Keys"/> has more than one key.</summary>
    public string? ActiveKeyId { get; set; }
}
