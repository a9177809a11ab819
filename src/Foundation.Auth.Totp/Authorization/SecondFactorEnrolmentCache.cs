using System.Collections.Concurrent;

namespace Foundation.Auth.Totp;

/// <summary>
/// Whether users have TOTP enabled, as read for the "2FA required for roles" policy
/// (<c>Foundation:Auth:Totp:RequiredForRoles</c>): one read per user per <see cref="TimeToLive"/>, per instance.
/// </summary>
/// <remarks>
/// Enabling or disabling TOTP through <c>/api/v1/totp/enable</c> and <c>/api/v1/totp/disable</c> evicts the user's entry
/// on this instance when the answer starts. A change made on another instance, or by code calling <c>TotpService</c>
/// directly, is seen here at most <see cref="TimeToLive"/> late: call <see cref="Invalidate"/> after such a change to make
/// it count at once. Entries expire against the injected <see cref="TimeProvider"/>; at most <see cref="MaxEntries"/> are kept.
/// </remarks>
public sealed class SecondFactorEnrolmentCache
{
    /// <summary>How long a read is reused: 30 seconds.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);

    /// <summary>The most users kept; past it the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly TimeProvider _time;
    private long _generation;

    /// <summary>Creates the cache.</summary>
    public SecondFactorEnrolmentCache(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Forgets what was read for <paramref name="userId"/> (after its TOTP was enabled or disabled).</summary>
    public void Invalidate(Guid userId)
    {
        // The generation first: a read already under way when this runs must not store its (possibly older) answer.
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(userId, out _);
    }

    /// <summary>Forgets everything.</summary>
    public void InvalidateAll()
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
