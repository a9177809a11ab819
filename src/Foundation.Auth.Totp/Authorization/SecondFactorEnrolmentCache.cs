using System.Collections.Concurrent;
using Foundation.Caching;

namespace Foundation.Auth.Totp;

/// <summary>
/// Whether users have TOTP enabled, as read for the "2FA required for roles" policy
/// (<c>Foundation:Auth:Totp:RequiredForRoles</c>): one read per user per <see cref="TimeToLive"/>, per instance.
/// </summary>
/// <remarks>
/// Enabling or disabling TOTP through <c>/api/v1/totp/enable</c> and <c>/api/v1/totp/disable</c> evicts the user's entry
/// on this instance when the answer starts. A change made on another instance, or by code calling <c>TotpService</c>
/// directly, is seen here at most <see cref="TimeToLive"/> late: call <see cref="Invalidate"/> after such a change to make
/// it count at once (with an <see cref="ICacheInvalidationBus"/> that reaches the other instances, such as Foundation.Hosting's
/// Redis bus, the eviction is published on <see cref="InvalidationTopic"/> and counts everywhere within about a second). Entries expire against the injected <see cref="TimeProvider"/>; at most <see cref="MaxEntries"/> are kept.
/// </remarks>
public sealed class SecondFactorEnrolmentCache : IDisposable
{
    /// <summary>The <see cref="ICacheInvalidationBus"/> topic of this cache: <c>foundation.totp.enrolment</c>; the key is the user id.</summary>
    public const string InvalidationTopic = "foundation.totp.enrolment";

    /// <summary>How long a read is reused: 30 seconds.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);

    /// <summary>The most users kept; past it the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly ICacheInvalidationBus? _bus;
    private readonly IDisposable? _subscription;
    private long _generation;

    /// <summary>Creates a cache that only this instance invalidates.</summary>
    public SecondFactorEnrolmentCache(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Creates a cache whose invalidations go through <paramref name="bus"/> (and that evicts what the bus brings).</summary>
    public SecondFactorEnrolmentCache(TimeProvider time, ICacheInvalidationBus bus)
        : this(time)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;
        _subscription = bus.Subscribe(InvalidationTopic, Evict);
    }

    /// <summary>Forgets what was read for <paramref name="userId"/> (after its TOTP was enabled or disabled), here and on the other instances.</summary>
    public void Invalidate(Guid userId)
    {
        EvictUser(userId);
        _bus?.Publish(InvalidationTopic, userId.ToString("N"));
    }

    /// <summary>Forgets everything, here and on the other instances.</summary>
    public void InvalidateAll()
    {
        EvictAll();
        _bus?.Publish(InvalidationTopic, CacheInvalidation.AllKeys);
    }

    /// <summary>Stops listening to the bus.</summary>
    public void Dispose() => _subscription?.Dispose();

    private void Evict(string key)
    {
        if (string.Equals(key, CacheInvalidation.AllKeys, StringComparison.Ordinal))
        {
            EvictAll();
        }
        else if (Guid.TryParse(key, out var userId))
        {
            EvictUser(userId);
        }
    }

    private void EvictUser(Guid userId)
    {
        // The generation first: a read already under way when this runs must not store its (possibly older) answer.
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(userId, out _);
    }

    private void EvictAll()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Whether <paramref name="userId"/> has TOTP enabled: from the cache, or from <paramref name="read"/>.</summary>
    internal async ValueTask<bool> IsEnabledAsync(Guid userId, Func<Guid, CancellationToken, Task<bool>> read, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(userId, out var cached) && _time.GetUtcNow() - cached.ReadAt < TimeToLive)
        {
            return cached.Enabled;
        }

        var generation = Interlocked.Read(ref _generation);
        var enabled = await read(userId, cancellationToken).ConfigureAwait(false);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        var entry = new Entry(enabled, _time.GetUtcNow());
        _entries[userId] = entry;

        // An invalidation that ran during the read may have removed the entry before it was written: take it back out.
        if (Interlocked.Read(ref _generation) != generation)
        {
            _entries.TryRemove(new KeyValuePair<Guid, Entry>(userId, entry));
        }

        return enabled;
    }

    private sealed record Entry(bool Enabled, DateTimeOffset ReadAt);
}
