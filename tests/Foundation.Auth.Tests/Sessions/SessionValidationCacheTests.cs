using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;

namespace Foundation.Auth.Tests.Sessions;

/// <summary>
/// A read of a session that an invalidation overtook (a member removed, a session revoked while the database read was under way)
/// is not cached: otherwise the removed member would stay valid on this instance for another 5 seconds.
/// </summary>
public sealed class SessionValidationCacheTests
{
    [Fact]
    public void A_read_taken_before_an_invalidation_is_not_stored_and_one_taken_after_it_is()
    {
        var time = TestClock.Create();
        using var cache = new SessionValidationCache(time);
        var sessionId = Guid.NewGuid();
        var snapshot = new SessionSnapshot(Guid.NewGuid(), time.GetUtcNow().AddDays(7), null, null, "acme", "ada@example.com", "member", "stamp", UserStatus.Active);

        var beforeRead = cache.Generation;
        cache.Invalidate(sessionId); // the removal commits while the read is under way
        cache.Set(sessionId, snapshot, beforeRead);
        cache.TryGet(sessionId, out _).ShouldBeFalse();

        var beforeAll = cache.Generation;
        cache.InvalidateAll(); // a role change of someone else clears everything
        cache.Set(sessionId, snapshot, beforeAll);
        cache.TryGet(sessionId, out _).ShouldBeFalse();

        cache.Set(sessionId, snapshot, cache.Generation);
        cache.TryGet(sessionId, out var cached).ShouldBeTrue();
        cached.ShouldBe(snapshot);
        time.Advance(SessionValidationCache.TimeToLive);
        cache.TryGet(sessionId, out _).ShouldBeFalse();
    }
}
