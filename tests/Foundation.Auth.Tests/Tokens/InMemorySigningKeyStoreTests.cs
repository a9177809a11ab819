using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;

namespace Foundation.Auth.Tests.Tokens;

public sealed class InMemorySigningKeyStoreTests
{
    private static SigningKeyRecord Key(string id, DateTimeOffset createdAt) => new() { KeyId = id, Algorithm = "HS256", ProtectedKey = "p-" + id, CreatedAt = createdAt };

    [Fact]
    public async Task Lists_the_current_key_first_and_drops_keys_past_their_validity()
    {
        var time = TestClock.CreateForTokens();
        var store = new InMemorySigningKeyStore(time);
        var t0 = time.GetUtcNow();
        await store.AddAndRetireAsync(Key("a", t0), t0, t0);
        await store.AddAndRetireAsync(Key("b", t0.AddMinutes(1)), t0.AddMinutes(1), t0.AddMinutes(20));
        await store.AddAndRetireAsync(Key("c", t0.AddMinutes(2)), t0.AddMinutes(2), t0.AddMinutes(30));

        (await store.GetValidKeysAsync()).Select(k => k.KeyId).ShouldBe(["c", "b", "a"]);
        var b = (await store.GetValidKeysAsync())[1];
        b.RetiredAt.ShouldBe(t0.AddMinutes(2));
        b.ValidUntil.ShouldBe(t0.AddMinutes(30));

        time.Advance(TimeSpan.FromMinutes(30));
        (await store.GetValidKeysAsync()).Select(k => k.KeyId).ShouldBe(["c"]);
    }

    [Fact]
    public async Task Hands_out_copies_and_refuses_duplicate_ids()
    {
        var store = new InMemorySigningKeyStore();
        await store.AddAndRetireAsync(Key("a", DateTimeOffset.UnixEpoch), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        (await store.GetValidKeysAsync())[0].ProtectedKey = "changed";

        (await store.GetValidKeysAsync())[0].ProtectedKey.ShouldBe("p-a");
        await Should.ThrowAsync<InvalidOperationException>(async () => await store.AddAndRetireAsync(Key("a", DateTimeOffset.UnixEpoch), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task Is_safe_under_concurrent_use()
    {
        var store = new InMemorySigningKeyStore();
        var now = DateTimeOffset.UtcNow;
        await Parallel.ForAsync(0, 200, async (i, ct) =>
        {
            await store.AddAndRetireAsync(Key("k" + i, now), now, now.AddHours(1), ct);
            await store.GetValidKeysAsync(ct);
        });

        var keys = await store.GetValidKeysAsync();
        keys.Count.ShouldBe(200);
        keys.Count(k => k.RetiredAt is null).ShouldBe(1);
    }
}
