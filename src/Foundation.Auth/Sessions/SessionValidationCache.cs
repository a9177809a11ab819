using System.Collections.Concurrent;
using Foundation.Auth.Storage;
using Foundation.Caching;

namespace Foundation.Auth.Sessions;

/// <summary>
/// A short-lived, per-instance cache of what <see cref="SessionValidator"/> read for a session id (session state
/// joined with its user), so a burst of requests on one session costs one query per <see cref="TimeToLive"/>.
/// </summary>
/// <remarks>
/// The trade-off: a revocation, disable or security-stamp change made on <em>another</em> instance is seen here at
/// most <see cref="TimeToLive"/> (5 s) late; on this instance <see cref="SessionService"/> evicts what it revokes at
/// once. Expiry is not cached: it is compared with the current time on every call. Code that changes a user's stamp
/// or status should call <see cref="InvalidateAll"/> (or wait out the 5 s). Entries are evaluated against the
/// injected <see cref="TimeProvider"/>, and the cache holds at most <see cref="MaxEntries"/> sessions. With an
/// <see cref="ICacheInvalidationBus"/> that reaches the other instances (Foundation.Hosting's Redis bus), invalidations are
/// published on <see cref="InvalidationTopic"/> and evicted everywhere within about a second; the 5 s stay the bound when a
/// message is lost.
/// </remarks>
internal sealed class SessionValidationCache : IDisposable
{
    /// <summary>The <see cref="ICacheInvalidationBus"/> topic of this cache: <c>foundation.auth.sessions</c>; the key is the session id.</summary>
    public const string InvalidationTopic = "foundation.auth.sessions";

    /// <summary>How long a read is reused: 5 seconds.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(5);

    /// <summary>The most sessions kept; past it the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly TimeProvider _timeProvider;
    private readonly ICacheInvalidationBus? _bus;
    private readonly IDisposable? _subscription;
    private long _generation;

    /// <summary>Creates a cache that only this instance invalidates.</summary>
    public SessionValidationCache(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>Creates a cache whose invalidations go through <paramref name="bus"/> (and that evicts what the bus brings).</summary>
    public SessionValidationCache(TimeProvider timeProvider, ICacheInvalidationBus bus)
        : this(timeProvider)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;
        _subscription = bus.Subscribe(InvalidationTopic, Evict);
    }

    /// <summary>Forgets what was read for <paramref name="sessionId"/>, here and on the other instances.</summary>
    public void Invalidate(Guid sessionId)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(sessionId, out _);
        _bus?.Publish(InvalidationTopic, sessionId.ToString("N"));
    }

    /// <summary>Forgets everything (after a security-stamp or status change of a user, for example), here and on the other instances.</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        _bus?.Publish(InvalidationTopic, CacheInvalidation.AllKeys);
    }

    /// <summary>Stops listening to the bus.</summary>
    public void Dispose() => _subscription?.Dispose();

    private void Evict(string key)
    {
        Interlocked.Increment(ref _generation);
        if (string.Equals(key, CacheInvalidation.AllKeys, StringComparison.Ordinal))
        {
            _entries.Clear();
        }
        else if (Guid.TryParse(key, out var sessionId))
        {
            _entries.TryRemove(sessionId, out _);
        }
    }

    internal bool TryGet(Guid sessionId, out SessionSnapshot snapshot)
    {
        if (_entries.TryGetValue(sessionId, out var entry) && _timeProvider.GetUtcNow() - entry.ReadAt < TimeToLive)
        {
            snapshot = entry.Snapshot;
            return true;
        }

        snapshot = null!;
        return false;
    }

    /// <summary>Changes with every invalidation; a read started before one is not stored (it may be stale).</summary>
    internal long Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// Stores a read, unless an invalidation happened since <paramref name="generation"/> was taken, before the read: a membership
    /// removed or a session revoked while the read was under way must not be cached for another <see cref="TimeToLive"/>.
    /// </summary>
    internal void Set(Guid sessionId, SessionSnapshot snapshot, long generation)
    {
        if (Generation != generation)
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        var entry = new Entry(snapshot, _timeProvider.GetUtcNow());
        _entries[sessionId] = entry;

        // An invalidation that raced with this store must win: drop what was just stored.
        if (Generation != generation)
        {
            _entries.TryRemove(KeyValuePair.Create(sessionId, entry));
        }
    }

    private sealed record Entry(SessionSnapshot Snapshot, DateTimeOffset ReadAt);
}

/// <summary>One read of a session joined with its user.</summary>
internal sealed record SessionSnapshot(
    Guid UserId,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? SecondFactorVerifiedAt,
    string TenantId,
    string Email,
    string Roles,
    string SecurityStamp,
    UserStatus Status,
    string? TeamId = null);
