using System.Collections.Concurrent;
using Foundation.Auth.Storage;
using Foundation.Caching;

namespace Foundation.Auth.ApiKeys;

/// <summary>
/// A short-lived, per-instance cache of what <see cref="ApiKeyAuthenticator"/> read for a key id (the key joined with
/// its owner, or the fact that no such key exists), so a burst of requests with one key costs one query per
/// <see cref="TimeToLive"/> instead of one per request.
/// </summary>
/// <remarks>
/// <para>
/// What is cached is the stored row, never a verdict: the presented secret is hashed and compared in constant time
/// on every call, and expiry is compared with the current time on every call, so a cached entry never lets a wrong
/// secret or an expired key through.
/// </para>
/// <para>
/// The trade-off (the same as <see cref="Sessions.SessionValidationCache"/>): a deactivation, deletion or owner
/// disable made on <em>another</em> instance is seen here at most <see cref="TimeToLive"/> (5 s) late; on this
/// instance <see cref="ApiKeyService"/> and <c>AccountService.SetStatusAsync</c> evict at once. Code that changes
/// keys or users behind these services' back should call <see cref="Invalidate"/> or <see cref="InvalidateAll"/>
/// (or wait out the 5 s). With an <see cref="ICacheInvalidationBus"/> that reaches the other instances (Foundation.Hosting's
/// Redis bus), every invalidation is published on <see cref="InvalidationTopic"/> and the other instances evict too, so a
/// revocation counts everywhere within about a second; the 5 s stay the bound when a message is lost. Entries are aged by the injected <see cref="TimeProvider"/>; known keys and unknown key ids
/// are each bounded by <see cref="MaxEntries"/> (past it, that half of the cache starts over), so a flood of made-up
/// key ids cannot push out the real ones.
/// </para>
/// </remarks>
internal sealed class ApiKeyValidationCache : IDisposable
{
    /// <summary>The <see cref="ICacheInvalidationBus"/> topic of this cache: <c>foundation.auth.api-keys</c>; the key is the key id.</summary>
    public const string InvalidationTopic = "foundation.auth.api-keys";

    /// <summary>How long a read is reused: 5 seconds.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(5);

    /// <summary>The most keys kept (and, separately, the most unknown key ids); past it that part starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _knownBySpan;
    private readonly ConcurrentDictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _unknownBySpan;
    private readonly TimeProvider _timeProvider;
    private readonly ICacheInvalidationBus? _bus;
    private readonly IDisposable? _subscription;
    private long _generation;

    /// <summary>Creates a cache that only this instance invalidates.</summary>
    public ApiKeyValidationCache(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _knownBySpan = _known.GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownBySpan = _unknown.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Creates a cache whose invalidations go through <paramref name="bus"/> (and that evicts what the bus brings).</summary>
    public ApiKeyValidationCache(TimeProvider timeProvider, ICacheInvalidationBus bus)
        : this(timeProvider)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;
        _subscription = bus.Subscribe(InvalidationTopic, Evict);
    }

    /// <summary>Forgets what was read for the key id <paramref name="keyId"/> (the public part of <c>fnd_{keyId}_...</c>), here and on the other instances.</summary>
    public void Invalidate(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        Evict(keyId);
        _bus?.Publish(InvalidationTopic, keyId);
    }

    /// <summary>Forgets everything (after a user's status or roles changed, for example), here and on the other instances.</summary>
    public void InvalidateAll()
    {
        Evict(CacheInvalidation.AllKeys);
        _bus?.Publish(InvalidationTopic, CacheInvalidation.AllKeys);
    }

    /// <summary>Stops listening to the bus.</summary>
    public void Dispose() => _subscription?.Dispose();

    private void Evict(string keyId)
    {
        Interlocked.Increment(ref _generation);
        if (string.Equals(keyId, CacheInvalidation.AllKeys, StringComparison.Ordinal))
        {
            _known.Clear();
            _unknown.Clear();
            return;
        }

        _known.TryRemove(keyId, out _);
        _unknown.TryRemove(keyId, out _);
    }

    /// <summary>Changes with every invalidation; a read started before one is not stored (it may be stale).</summary>
    internal long Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// Whether a fresh read of <paramref name="keyId"/> is cached; then <paramref name="snapshot"/> is the key, or
    /// <see langword="null"/> when no such key existed.
    /// </summary>
    internal bool TryGet(ReadOnlySpan<char> keyId, DateTimeOffset now, out ApiKeySnapshot? snapshot)
    {
        var nowTicks = now.UtcTicks;
        if (_knownBySpan.TryGetValue(keyId, out var entry) && nowTicks - entry.ReadAtTicks < TimeToLive.Ticks)
        {
            snapshot = entry.Snapshot;
            return true;
        }

        snapshot = null;
        return _unknownBySpan.TryGetValue(keyId, out var readAt) && nowTicks - readAt < TimeToLive.Ticks;
    }

    /// <summary>
    /// Stores a read made at <paramref name="readAt"/> (<see langword="null"/>: no such key), unless an invalidation
    /// happened since <paramref name="generation"/> was taken, before the read.
    /// </summary>
    internal void Set(string keyId, ApiKeySnapshot? snapshot, DateTimeOffset readAt, long generation)
    {
        if (Generation != generation)
        {
            return;
        }

        if (snapshot is null)
        {
            if (_unknown.Count >= MaxEntries)
            {
                _unknown.Clear();
            }

            var ticks = readAt.UtcTicks;
            _unknown[keyId] = ticks;
            if (Generation != generation)
            {
                _unknown.TryRemove(KeyValuePair.Create(keyId, ticks));
            }

            return;
        }

        if (_known.Count >= MaxEntries)
        {
            _known.Clear();
        }

        var entry = new Entry(snapshot, readAt.UtcTicks);
        _known[keyId] = entry;

        // An invalidation that raced with this store must win: drop what was just stored.
        if (Generation != generation)
        {
            _known.TryRemove(KeyValuePair.Create(keyId, entry));
        }
    }

    private sealed record Entry(ApiKeySnapshot Snapshot, long ReadAtTicks);
}

/// <summary>One read of an API key joined with its owner; the secret's hash is kept as bytes, never the secret.</summary>
internal sealed record ApiKeySnapshot(
    string KeyId,
    Guid Id,
    byte[] SecretHash,
    string Scopes,
    bool IsActive,
    DateTimeOffset? ExpiresAt,
    Guid UserId,
    string TenantId,
    string Email,
    string Roles,
    UserStatus Status,
    string? TeamId = null);
