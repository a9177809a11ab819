using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;

namespace Foundation.Auth.Tests.Tokens;

public sealed class SigningKeyRingTests
{
    [Fact]
    public async Task Makes_one_key_on_first_use_and_reuses_it()
    {
        using var context = new TokenTestContext();

        var first = await context.IssueAsync();
        var second = await context.IssueAsync();

        second.KeyId.ShouldBe(first.KeyId);
        var keys = await context.Store.GetValidKeysAsync();
        keys.Count.ShouldBe(1);
        keys[0].Algorithm.ShouldBe("HS256");
        keys[0].KeyId.ShouldBe(first.KeyId);
        keys[0].KeyId.Length.ShouldBe(16);
        keys[0].KeyId.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');
        keys[0].CreatedAt.ShouldBe(context.Time.GetUtcNow());
        keys[0].RetiredAt.ShouldBeNull();
    }

    [Theory]
    [InlineData("HS256", 32)]
    [InlineData("ES256", 0)]
    [InlineData("RS256", 0)]
    public async Task Stores_the_key_material_only_protected(string algorithm, int rawLength)
    {
        using var context = new TokenTestContext(algorithm);
        var issued = await context.IssueAsync();

        var record = (await context.Store.GetValidKeysAsync()).Single();
        var raw = await context.RawKeyAsync(issued.KeyId);

        if (rawLength > 0)
        {
            raw.Length.ShouldBe(rawLength);
        }

        record.Algorithm.ShouldBe(algorithm);
        record.ProtectedKey.ShouldNotContain(Convert.ToBase64String(raw));
        record.ProtectedKey.ShouldNotContain(System.Buffers.Text.Base64Url.EncodeToString(raw));
        record.ProtectedKey.ShouldNotContain(Convert.ToBase64String(raw.AsSpan(0, 12)));
    }

    [Fact]
    public async Task Fails_clearly_when_the_key_cannot_be_unprotected()
    {
        using var first = new TokenTestContext();
        var issued = await first.IssueAsync();

        // Another instance over the same store but without the same Data Protection keys.
        using var second = new TokenTestContext(store: first.Store, time: first.Time);

        var validate = await Should.ThrowAsync<InvalidOperationException>(async () => await second.ValidateAsync(issued.Token));
        validate.Message.ShouldContain($"Signing key '{issued.KeyId}' could not be unprotected");
        validate.Message.ShouldContain("Data Protection key ring");
        await Should.ThrowAsync<InvalidOperationException>(async () => await second.IssueAsync());
    }

    [Fact]
    public async Task After_rotation_new_tokens_carry_the_new_kid_and_old_ones_validate_until_the_old_key_expires()
    {
        using var context = new TokenTestContext();
        var before = await context.IssueAsync();

        var newKeyId = await context.Ring.RotateAsync();
        var after = await context.IssueAsync();

        newKeyId.ShouldNotBe(before.KeyId);
        after.KeyId.ShouldBe(newKeyId);
        (await context.ValidateAsync(before.Token)).IsValid.ShouldBeTrue();
        (await context.ValidateAsync(after.Token)).IsValid.ShouldBeTrue();

        var retired = (await context.Store.GetValidKeysAsync()).Single(k => k.KeyId == before.KeyId);
        retired.RetiredAt.ShouldBe(context.Time.GetUtcNow());
        retired.ValidUntil.ShouldBe(context.Time.GetUtcNow() + TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30) + SigningKeyRing.RefreshInterval);

        // The old token lives its whole life (plus the skew) on the retired key.
        context.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30));
        (await context.ValidateAsync(before.Token)).IsValid.ShouldBeTrue();

        // Past its ValidUntil the key is gone from the store and the ring: its tokens name an unknown key.
        context.Time.SetUtcNow(retired.ValidUntil!.Value + TimeSpan.FromSeconds(1));
        var late = await context.ValidateAsync(before.Token);
        late.IsValid.ShouldBeFalse();
        late.Failure.ShouldBe(AccessTokenFailure.UnknownKey);
        (await context.Store.GetValidKeysAsync()).Select(k => k.KeyId).ShouldBe([newKeyId]);
    }

    [Fact]
    public async Task Rotates_when_the_current_key_is_older_than_KeyRotationDays()
    {
        using var context = new TokenTestContext(configure: o => o.KeyRotationDays = 30);
        var first = await context.IssueAsync();

        context.Time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        (await context.IssueAsync()).KeyId.ShouldBe(first.KeyId);

        context.Time.Advance(TimeSpan.FromSeconds(1));
        var rotated = await context.IssueAsync();

        rotated.KeyId.ShouldNotBe(first.KeyId);
        var keys = await context.Store.GetValidKeysAsync();
        keys.Count.ShouldBe(2);
        keys[0].KeyId.ShouldBe(rotated.KeyId);
        keys[1].RetiredAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Makes_keys_of_the_configured_algorithm_when_the_store_holds_another()
    {
        var time = TestClock.CreateForTokens();
        var store = new InMemorySigningKeyStore(time);
        var protector = new TestSecretProtector();
        using var hs = new TokenTestContext("HS256", store, protector, time);
        var hsToken = await hs.IssueAsync();

        // The host switches to ES256: the existing HS256 key keeps validating; rotating makes an ES256 key.
        using var es = new TokenTestContext("ES256", store, protector, time);
        (await es.ValidateAsync(hsToken.Token)).IsValid.ShouldBeTrue();
        await es.Ring.RotateAsync();
        var esToken = await es.IssueAsync();

        Jwt.ReadHeader(esToken.Token).GetProperty("alg").GetString().ShouldBe("ES256");
        (await es.ValidateAsync(hsToken.Token)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public async Task A_second_instance_over_the_same_store_validates_tokens_of_the_first_including_after_it_rotated()
    {
        var time = TestClock.CreateForTokens();
        var store = new CountingStore(new InMemorySigningKeyStore(time));
        var protector = new TestSecretProtector();
        using var first = new TokenTestContext(store: store, protector: protector, time: time);
        using var second = new TokenTestContext(store: store, protector: protector, time: time);

        var before = await first.IssueAsync();
        (await second.ValidateAsync(before.Token)).IsValid.ShouldBeTrue();

        await first.Ring.RotateAsync();
        var after = await first.IssueAsync();

        // The second instance's cache predates the rotation: the unknown kid makes it re-read the store.
        var reads = store.Reads;
        (await second.ValidateAsync(after.Token)).IsValid.ShouldBeTrue();
        store.Reads.ShouldBe(reads + 1);
        (await second.ValidateAsync(before.Token)).IsValid.ShouldBeTrue();

        // Until its periodic refresh it still signs with the key it knows, which the first instance accepts.
        var bySecond = await second.IssueAsync();
        bySecond.KeyId.ShouldBe(after.KeyId);
        (await first.ValidateAsync(bySecond.Token)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public async Task Unknown_kids_re_read_the_store_at_most_once_per_interval()
    {
        var time = TestClock.CreateForTokens();
        var store = new CountingStore(new InMemorySigningKeyStore(time));
        using var context = new TokenTestContext(store: store, time: time);
        var issued = await context.IssueAsync();
        var key = await context.RawKeyAsync(issued.KeyId);
        var reads = store.Reads;

        for (var i = 0; i < 50; i++)
        {
            var forged = Jwt.SignHs256(new { alg = "HS256", typ = "at+jwt", kid = "forged-" + i }, Jwt.Payload(context.Options, time.GetUtcNow()), key);
            (await context.ValidateAsync(forged)).Failure.ShouldBe(AccessTokenFailure.UnknownKey);
        }

        store.Reads.ShouldBe(reads + 1);

        time.Advance(SigningKeyRing.UnknownKeyRefreshInterval);
        var another = Jwt.SignHs256(new { alg = "HS256", typ = "at+jwt", kid = "forged-again" }, Jwt.Payload(context.Options, time.GetUtcNow()), key);
        (await context.ValidateAsync(another)).Failure.ShouldBe(AccessTokenFailure.UnknownKey);
        store.Reads.ShouldBe(reads + 2);
    }

    [Fact]
    public async Task Refreshes_from_the_store_periodically_and_decrypts_each_key_once()
    {
        var time = TestClock.CreateForTokens();
        var store = new CountingStore(new InMemorySigningKeyStore(time));
        var protector = new TestSecretProtector();
        using var context = new TokenTestContext(store: store, protector: protector, time: time);
        var issued = await context.IssueAsync();
        var reads = store.Reads;
        var unprotects = protector.UnprotectCalls;

        for (var i = 0; i < 10; i++)
        {
            (await context.ValidateAsync(issued.Token)).IsValid.ShouldBeTrue();
        }

        store.Reads.ShouldBe(reads);
        time.Advance(SigningKeyRing.RefreshInterval);
        (await context.ValidateAsync(issued.Token)).IsValid.ShouldBeTrue();
        store.Reads.ShouldBe(reads + 1);
        protector.UnprotectCalls.ShouldBe(unprotects);
    }

    [Fact]
    public async Task Keeps_validating_with_known_keys_when_a_periodic_refresh_fails()
    {
        var time = TestClock.CreateForTokens();
        var store = new CountingStore(new InMemorySigningKeyStore(time));
        using var context = new TokenTestContext(store: store, time: time);
        var issued = await context.IssueAsync();

        store.Fail = true;
        time.Advance(SigningKeyRing.RefreshInterval);

        (await context.ValidateAsync(issued.Token)).IsValid.ShouldBeTrue();
    }

    private sealed class CountingStore(ISigningKeyStore inner) : ISigningKeyStore
    {
        public int Reads { get; private set; }

        public bool Fail { get; set; }

        public ValueTask<IReadOnlyList<SigningKeyRecord>> GetValidKeysAsync(CancellationToken cancellationToken = default)
        {
            Reads++;
            return Fail ? throw new InvalidOperationException("The store is down.") : inner.GetValidKeysAsync(cancellationToken);
        }

        public ValueTask AddAndRetireAsync(SigningKeyRecord newKey, DateTimeOffset retiredAt, DateTimeOffset validUntil, CancellationToken cancellationToken = default) =>
            inner.AddAndRetireAsync(newKey, retiredAt, validUntil, cancellationToken);
    }
}
