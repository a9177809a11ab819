using System.Security.Cryptography;
using Foundation.Auth.Storage;
using Foundation.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Foundation.Auth.Tokens;

/// <summary>
/// The token-signing keys of this app instance, kept in an <see cref="ISigningKeyStore"/> that several instances may share.
/// Makes the first key of the configured algorithm on first use, rotates when the current key is older than
/// <see cref="TokenOptions.KeyRotationDays"/> (or on <see cref="RotateAsync"/>), and keeps retired keys validating until
/// their <see cref="SigningKeyRecord.ValidUntil"/>. Key material is stored protected by <see cref="ISecretProtector"/>
/// (purpose <c>Foundation.Auth.SigningKeys</c>) and cached decrypted in memory; the cache is refreshed from the store
/// every minute, and when a token names an unknown key (at most once every five seconds).
/// </summary>
public sealed partial class SigningKeyRing : IDisposable
{
    /// <summary>The <see cref="ISecretProtector"/> purpose of signing-key material.</summary>
    public const string ProtectionPurpose = "Foundation.Auth.SigningKeys";

    /// <summary>How often the keys are re-read from the store.</summary>
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(60);

    /// <summary>The shortest time between two store reads caused by tokens naming an unknown key.</summary>
    internal static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>How soon a failed periodic refresh is retried.</summary>
    private static readonly TimeSpan FailedRefreshRetry = TimeSpan.FromSeconds(5);

    private readonly ISigningKeyStore _store;
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TokenOptions _options;
    private readonly string _algorithm;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Decrypted key material by kid, guarded by _gate; reused across refreshes so keys are decrypted once.
    private readonly Dictionary<string, LoadedKey> _loaded = new(StringComparer.Ordinal);

    private volatile KeySnapshot? _snapshot;
    private long _nextRefreshTicks;
    private long _lastUnknownKeyRefreshTicks;
    private long _version;

    /// <summary>Creates the ring over <paramref name="store"/>.</summary>
    public SigningKeyRing(
        IOptions<AuthOptions> options,
        ISigningKeyStore store,
        ISecretProtector protector,
        TimeProvider timeProvider,
        ILogger<SigningKeyRing>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value.Tokens;
        _algorithm = SigningKeyMaterial.Normalize(_options.Algorithm)
            ?? throw new OptionsValidationException(
                AuthOptions.SectionName,
                typeof(AuthOptions),
                [$"{AuthOptions.SectionName}:Tokens:Algorithm is '{_options.Algorithm}'; use HS256, ES256 or RS256."]);
        _store = store;
        _protector = protector;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<SigningKeyRing>.Instance;
    }

    /// <summary>
    /// Makes a new key of the configured algorithm and makes it the current one now; the previous key keeps validating
    /// until its tokens have expired. Use it when a key may have leaked (then also revoke sessions) or to change algorithm.
    /// </summary>
    /// <returns>The <c>kid</c> of the new key.</returns>
    public async ValueTask<string> RotateAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var key = await AddKeyLockedAsync(_timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return key.KeyId;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases the lock that serialises store access.</summary>
    public void Dispose() => _gate.Dispose();

    /// <summary>The key that signs new tokens: made if there is none, rotated if it is due.</summary>
    internal async ValueTask<SigningKey> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        if (snapshot.Current is { } current && !IsRotationDue(current, now))
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another instance sharing the store may have made or rotated the key meanwhile.
            await LoadLockedAsync(cancellationToken).ConfigureAwait(false);
            if (_snapshot!.Current is { } reloaded && !IsRotationDue(reloaded, now))
            {
                return reloaded;
            }

            return await AddKeyLockedAsync(now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The keys that may validate, refreshed from the store when the cached view is older than a minute.</summary>
    internal ValueTask<KeySnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && _timeProvider.GetUtcNow().UtcTicks < Volatile.Read(ref _nextRefreshTicks))
        {
            return new ValueTask<KeySnapshot>(snapshot);
        }

        return RefreshAsync(snapshot, cancellationToken);
    }

    /// <summary>The keys as last read from the store, without refreshing (<see langword="null"/> before the first read).</summary>
    internal KeySnapshot? CurrentSnapshot => _snapshot;

    /// <summary>
    /// Looks for <paramref name="keyId"/> after re-reading the store, because another instance may have rotated; re-reads at
    /// most once every <see cref="UnknownKeyRefreshInterval"/> so tokens with made-up key ids cannot hammer the store.
    /// </summary>
    internal async ValueTask<SigningKey?> FindUnknownKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastUnknownKeyRefreshTicks);
        if (now - last >= UnknownKeyRefreshInterval.Ticks
            && Interlocked.CompareExchange(ref _lastUnknownKeyRefreshTicks, now, last) == last)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await LoadLockedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && _snapshot is not null)
            {
                LogRefreshFailed(_logger, ex);
            }
            finally
            {
                _gate.Release();
            }
        }

        return _snapshot is { } snapshot && snapshot.ByKeyId.TryGetValue(keyId, out var key) ? key : null;
    }

    private async ValueTask<KeySnapshot> RefreshAsync(KeySnapshot? stale, CancellationToken cancellationToken)
    {
        if (stale is not null)
        {
            // A periodic refresh: one caller does it, the others go on with the keys they have.
            if (!await _gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
            {
                return stale;
            }
        }
        else
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (_snapshot is { } fresh && !ReferenceEquals(fresh, stale) && _timeProvider.GetUtcNow().UtcTicks < Volatile.Read(ref _nextRefreshTicks))
            {
                return fresh;
            }

            await LoadLockedAsync(cancellationToken).ConfigureAwait(false);
            return _snapshot!;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && stale is not null)
        {
            // Keep validating with the keys already known; try again soon.
            LogRefreshFailed(_logger, ex);
            Volatile.Write(ref _nextRefreshTicks, (_timeProvider.GetUtcNow() + FailedRefreshRetry).UtcTicks);
            return stale;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask LoadLockedAsync(CancellationToken cancellationToken)
    {
        var records = await _store.GetValidKeysAsync(cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        var byKeyId = new Dictionary<string, SigningKey>(records.Count, StringComparer.Ordinal);
        SigningKey? current = null;
        foreach (var record in records)
        {
            if (record.ValidUntil is { } until && until <= now)
            {
                continue;
            }

            var algorithm = SigningKeyMaterial.Normalize(record.Algorithm);
            if (algorithm is null || string.IsNullOrEmpty(record.KeyId))
            {
                LogUnsupportedKey(_logger, record.KeyId, record.Algorithm);
                continue;
            }

            if (!_loaded.TryGetValue(record.KeyId, out var loaded) || !string.Equals(loaded.Algorithm, algorithm, StringComparison.Ordinal))
            {
                loaded = Load(record, algorithm);
                _loaded[record.KeyId] = loaded;
            }

            var key = new SigningKey(loaded, record.CreatedAt, record.RetiredAt, record.ValidUntil);
            byKeyId[record.KeyId] = key;
            if (record.RetiredAt is null && (current is null || record.CreatedAt > current.CreatedAt))
            {
                current = key;
            }
        }

        foreach (var keyId in _loaded.Keys.Where(k => !byKeyId.ContainsKey(k)).ToList())
        {
            _loaded.Remove(keyId);
        }

        _snapshot = new KeySnapshot(current, byKeyId, Interlocked.Increment(ref _version));
        Volatile.Write(ref _nextRefreshTicks, (now + RefreshInterval).UtcTicks);
    }

    private LoadedKey Load(SigningKeyRecord record, string algorithm)
    {
        byte[] material;
        try
        {
            material = Convert.FromBase64String(_protector.Unprotect(ProtectionPurpose, record.ProtectedKey));
        }
        catch (Exception ex) when (ex is SecretProtectionException or CryptographicException or FormatException)
        {
            throw new SigningKeyUnavailableException(
                $"Signing key '{record.KeyId}' could not be unprotected. Every app instance that shares the signing-key store must share the secret protector's keys (the Data Protection key ring); tokens cannot be issued or validated until it does.",
                ex);
        }

        try
        {
            var securityKey = SigningKeyMaterial.Load(algorithm, record.KeyId, material);
            return new LoadedKey(record.KeyId, algorithm, securityKey, AccessTokenParameters.Create(_options, securityKey, algorithm));
        }
        catch (CryptographicException ex)
        {
            throw new SigningKeyUnavailableException($"Signing key '{record.KeyId}' ({algorithm}) holds key material that cannot be loaded.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private async ValueTask<SigningKey> AddKeyLockedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var material = SigningKeyMaterial.Create(_algorithm);
        SigningKeyRecord record;
        try
        {
            record = new SigningKeyRecord
            {
                KeyId = SigningKeyMaterial.NewKeyId(),
                Algorithm = _algorithm,
                ProtectedKey = _protector.Protect(ProtectionPurpose, Convert.ToBase64String(material)),
                CreatedAt = now,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }

        // The retired key must outlive every token it signed: their lifetime, the clock skew, and the minute other
        // instances may keep signing with it before they refresh.
        var validUntil = now + TimeSpan.FromMinutes(_options.AccessTokenMinutes) + TimeSpan.FromSeconds(_options.ClockSkewSeconds) + RefreshInterval;
        await _store.AddAndRetireAsync(record, now, validUntil, cancellationToken).ConfigureAwait(false);
        LogKeyAdded(_logger, record.KeyId, _algorithm);
        await LoadLockedAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = _snapshot!;
        return snapshot.ByKeyId.TryGetValue(record.KeyId, out var added) && ReferenceEquals(added, snapshot.Current)
            ? added
            : snapshot.Current ?? throw new InvalidOperationException($"The signing-key store did not return the new key '{record.KeyId}' as the current one.");
    }

    private bool IsRotationDue(SigningKey key, DateTimeOffset now) => key.CreatedAt.AddDays(_options.KeyRotationDays) <= now;

    [LoggerMessage(1, LogLevel.Information, "Made signing key {KeyId} ({Algorithm}); it signs new access tokens from now on.")]
    private static partial void LogKeyAdded(ILogger logger, string keyId, string algorithm);

    [LoggerMessage(2, LogLevel.Warning, "Ignoring signing key {KeyId}: algorithm '{Algorithm}' is not supported.")]
    private static partial void LogUnsupportedKey(ILogger logger, string keyId, string algorithm);

    [LoggerMessage(3, LogLevel.Error, "Could not refresh the signing keys from the store; going on with the keys already loaded.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}

/// <summary>A key decrypted once and kept: the <see cref="SecurityKey"/>, its signing credentials and validation parameters.</summary>
internal sealed class LoadedKey
{
    public LoadedKey(string keyId, string algorithm, SecurityKey securityKey, TokenValidationParameters parameters)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        SecurityKey = securityKey;
        Parameters = parameters;
        Credentials = new SigningCredentials(securityKey, SigningKeyMaterial.SecurityAlgorithm(algorithm));
    }

    public string KeyId { get; }

    public string Algorithm { get; }

    public SecurityKey SecurityKey { get; }

    public SigningCredentials Credentials { get; }

    public TokenValidationParameters Parameters { get; }
}

/// <summary>A key as the store last described it: loaded material plus its dates.</summary>
internal sealed class SigningKey
{
    public SigningKey(LoadedKey loaded, DateTimeOffset createdAt, DateTimeOffset? retiredAt, DateTimeOffset? validUntil)
    {
        Loaded = loaded;
        CreatedAt = createdAt;
        RetiredAt = retiredAt;
        ValidUntilTicks = validUntil?.UtcTicks ?? long.MaxValue;
    }

    public LoadedKey Loaded { get; }

    public string KeyId => Loaded.KeyId;

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset? RetiredAt { get; }

    /// <summary>UTC ticks after which the key no longer validates (<see cref="long.MaxValue"/> while it is current).</summary>
    public long ValidUntilTicks { get; }
}

/// <summary>An immutable view of the valid keys at one refresh.</summary>
internal sealed class KeySnapshot
{
    public KeySnapshot(SigningKey? current, Dictionary<string, SigningKey> byKeyId, long version)
    {
        Current = current;
        ByKeyId = byKeyId;
        Version = version;
    }

    /// <summary>The key that signs, or <see langword="null"/> when none is current.</summary>
    public SigningKey? Current { get; }

    public Dictionary<string, SigningKey> ByKeyId { get; }

    public long Version { get; }
}
