using Foundation.Auth.Storage;

namespace Foundation.Auth.Tokens;

/// <summary>
/// An <see cref="ISigningKeyStore"/> in process memory: for tests and single-instance hosts. Keys are lost when the
/// process ends (every token issued before then stops validating), and they are not shared with other instances.
/// Thread-safe.
/// </summary>
public sealed class InMemorySigningKeyStore : ISigningKeyStore
{
    private readonly Lock _gate = new();
    private readonly List<SigningKeyRecord> _keys = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an empty store on the system clock.</summary>
    public InMemorySigningKeyStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates an empty store that drops keys past their <see cref="SigningKeyRecord.ValidUntil"/> by <paramref name="timeProvider"/>.</summary>
    public InMemorySigningKeyStore(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SigningKeyRecord>> GetValidKeysAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            _keys.RemoveAll(k => k.ValidUntil is { } until && until <= now);
            var result = new List<SigningKeyRecord>(_keys.Count);

            // The current (unretired, newest) key first, then the retired ones, newest first.
            foreach (var key in _keys.OrderBy(k => k.RetiredAt.HasValue).ThenByDescending(k => k.CreatedAt))
            {
                result.Add(Copy(key));
            }

            return ValueTask.FromResult<IReadOnlyList<SigningKeyRecord>>(result);
        }
    }

    /// <inheritdoc />
    public ValueTask AddAndRetireAsync(SigningKeyRecord newKey, DateTimeOffset retiredAt, DateTimeOffset validUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        if (string.IsNullOrEmpty(newKey.KeyId))
        {
            throw new ArgumentException("The key needs a key id.", nameof(newKey));
        }

        lock (_gate)
        {
            foreach (var key in _keys)
            {
                if (string.Equals(key.KeyId, newKey.KeyId, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"A signing key with id '{newKey.KeyId}' already exists.");
                }
            }

            foreach (var key in _keys)
            {
                if (key.RetiredAt is null)
                {
                    key.RetiredAt = retiredAt;
                    key.ValidUntil = validUntil;
                }
            }

            _keys.Add(Copy(newKey));
        }

        return ValueTask.CompletedTask;
    }

    private static SigningKeyRecord Copy(SigningKeyRecord key) => new()
    {
        KeyId = key.KeyId,
        Algorithm = key.Algorithm,
        ProtectedKey = key.ProtectedKey,
        CreatedAt = key.CreatedAt,
        RetiredAt = key.RetiredAt,
        ValidUntil = key.ValidUntil,
    };
}
