using Foundation.Auth.Storage;
using Foundation.Auth.Tests.Infrastructure;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Tests.Storage;

public abstract class EfSigningKeyStoreTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _database;

    protected EfSigningKeyStoreTests(TDatabase database) => _database = database;

    [Fact]
    public async Task Rotation_adds_the_new_key_and_retires_the_current_one_together_and_rolls_back_together()
    {
        // One test, in order: the signing keys are global (not per tenant), so the steps share the table.
        var time = TestClock.Create();
        await using var services = _database.BuildServices(time);
        await using (var scope = services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<ISigningKeyStore>();
            store.ShouldBeOfType<ScopedSigningKeyStore>();
            (await store.GetValidKeysAsync()).ShouldBeEmpty();

            await store.AddAndRetireAsync(Key("k1", time), time.GetUtcNow(), time.GetUtcNow());
            (await store.GetValidKeysAsync()).Select(k => k.KeyId).ShouldBe(["k1"]);

            time.Advance(TimeSpan.FromDays(30));
            await store.AddAndRetireAsync(Key("k2", time), time.GetUtcNow(), time.GetUtcNow().AddMinutes(15));
            var keys = await store.GetValidKeysAsync();
            keys.Select(k => k.KeyId).ShouldBe(["k2", "k1"]);
            keys[0].RetiredAt.ShouldBeNull();
            keys[1].RetiredAt.ShouldBe(time.GetUtcNow());
            keys[1].ValidUntil.ShouldBe(time.GetUtcNow().AddMinutes(15));

            // A failing add (duplicate kid) must not retire the current key either.
            time.Advance(TimeSpan.FromDays(1));
            await Should.ThrowAsync<DbUpdateException>(() => store.AddAndRetireAsync(Key("k1", time), time.GetUtcNow(), time.GetUtcNow().AddDays(1)).AsTask());
            (await store.GetValidKeysAsync()).Select(k => (k.KeyId, k.RetiredAt is null)).ShouldBe([("k2", true)]);

            // The store still works after the failure (nothing half-added stays tracked).
            await store.AddAndRetireAsync(Key("k3", time), time.GetUtcNow(), time.GetUtcNow().AddMinutes(15));
            (await store.GetValidKeysAsync()).Select(k => k.KeyId).ShouldBe(["k3", "k2"]);
        }
    }

    private static SigningKeyRecord Key(string kid, TimeProvider time) =>
        new() { KeyId = kid, Algorithm = "HS256", ProtectedKey = "protected:" + kid, CreatedAt = time.GetUtcNow() };
}

public sealed class EfSigningKeyStoreSqliteTests(SqliteTestDatabase database) : EfSigningKeyStoreTests<SqliteTestDatabase>(database);

public sealed class EfSigningKeyStorePostgresTests(PostgresTestDatabase database) : EfSigningKeyStoreTests<PostgresTestDatabase>(database);
