namespace Foundation.Auth.Tokens;

/// <summary>Keeps the signing keys: makes the first, rotates on schedule or on demand, retires old ones.</summary>
public interface ISigningKeyStore
{
    /// <summary>Every key that may still validate (the current one first).</summary>
    ValueTask<IReadOnlyList<Storage.SigningKeyRecord>> GetValidKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a new key and retires the current one at <paramref name="retiredAt"/>, valid until <paramref name="validUntil"/>.</summary>
    ValueTask AddAndRetireAsync(Storage.SigningKeyRecord newKey, DateTimeOffset retiredAt, DateTimeOffset validUntil, CancellationToken cancellationToken = default);
}
