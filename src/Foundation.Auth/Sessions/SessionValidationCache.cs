using System.Collections.Concurrent;
using Foundation.Auth.Storage;

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
/// injected <see cref="TimeProvider"/>, and the cache holds at most <see cref="MaxEntries"/> sessions.
/// </remarks>
public sealed class SessionValidationCache
{
    /// <summary>How long a read is reused: 5 seconds.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(5);

    /// <summary>The most sessions kept; past it the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the cache.</summary>
    public SessionValidationCache(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>Forgets what was read for <paramref name="sessionId"/>.</summary>
    public void Invalidate(Guid sessionId) => _entries.TryRemove(sessionId, out _);

    /// <summary>Forgets everything (after a security-stamp or status change of a user, for example).</summary>
    public void InvalidateAll() => _entries.Clear();

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

    internal void Set(Guid sessionId, SessionSnapshot snapshot)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[sessionId] = new Entry(snapshot, _timeProvider.GetUtcNow());
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
