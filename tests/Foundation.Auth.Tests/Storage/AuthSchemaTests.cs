using Foundation.Internal;
using Foundation.Auth.Storage;
using Foundation.Auth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Foundation.Auth.Tests.Storage;

/// <summary>The hand-written migration creates exactly the schema of the EF model, and every column round-trips.</summary>
public abstract class AuthSchemaTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : TestDatabase, new()
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    protected AuthSchemaTests(TDatabase database) => Database = database;

    protected TDatabase Database { get; }

    private bool IsSqlite => Database.Provider == "sqlite";

    [Fact]
    public async Task Migrated_schema_has_every_table_column_type_and_nullability_of_the_model()
    {
        await using var db = Database.CreateContext();
        var entityTypes = db.Model.GetEntityTypes().ToList();
        entityTypes.Count.ShouldBe(11, "users, sessions, refresh tokens, API keys, signing keys, account tokens, organisations, organisation members, teams, team members, invitations");
        foreach (var entityType in entityTypes)
        {
            var table = entityType.GetTableName()!;
            table.ShouldStartWith("auth_");
            var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
            var expected = entityType.GetProperties()
                .Select(p => (Name: p.GetColumnName(store)!, Type: (string?)p.GetColumnType(store), Nullable: p.IsColumnNullable(store)))
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .ToList();
            var actual = (await ColumnsAsync(db, table)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            actual.ShouldBe(expected, $"table {table} on {Database.Provider}");
            expected.ShouldAllBe(c => c.Name.All(ch => char.IsAsciiLetterLower(ch) || ch == '_'));
        }
    }

    [Fact]
    public async Task Migrated_schema_has_every_index_and_cascading_foreign_key_of_the_model()
    {
        await using var db = Database.CreateContext();
        foreach (var entityType in db.Model.GetEntityTypes())
        {
            var table = entityType.GetTableName()!;
            var indexes = await IndexesAsync(db, table);
            foreach (var index in entityType.GetIndexes())
            {
                var name = index.GetDatabaseName()!;
                indexes.ShouldContainKey(name, $"index {name} on {table}");
                indexes[name].ShouldBe(index.IsUnique, $"uniqueness of {name}");
            }

            var foreignKeys = await ForeignKeysAsync(db, table);
            foreach (var fk in entityType.GetForeignKeys())
            {
                fk.DeleteBehavior.ShouldBe(DeleteBehavior.Cascade);
                foreignKeys.ShouldContain((fk.PrincipalEntityType.GetTableName()!, fk.Properties[0].GetColumnName(), true), $"FK of {table}");
            }

            foreignKeys.Count.ShouldBe(entityType.GetForeignKeys().Count());
        }

        var history = await DbQuery.RowsAsync(db, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"");
        history.Select(r => (string)r[0]!).ShouldBe(db.Database.GetMigrations(), "every migration of the assembly is applied, in order");
        history.Select(r => (string)r[0]!).First().ShouldBe("20261121120000_InitialAuthSchema");
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_column_of_every_entity_round_trips()
    {
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(), TenantId = TestDatabase.NewTenant(), Email = "Ada@Example.com", NormalizedEmail = "ada@example.com",
            PasswordHash = "$pbkdf2$v1$abc", Status = UserStatus.Disabled, Roles = "admin member", SecurityStamp = "stamp-1",
            CreatedAt = T0, LastLoginAt = T0.AddMinutes(1), FailedLoginCount = 3, LockoutEndsAt = T0.AddMinutes(15), EmailConfirmedAt = T0.AddMinutes(2),
        };
        var session = new SessionRecord
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, TenantId = user.TenantId, CreatedAt = T0, LastSeenAt = T0.AddSeconds(30),
            ExpiresAt = T0.AddDays(7), RevokedAt = T0.AddDays(1), RevokedReason = "logout", IpAddress = "2001:db8::1",
            UserAgent = new string('u', 512), Browser = "Chrome 131", OperatingSystem = "Android 14", DeviceType = "mobile",
            SecondFactorVerifiedAt = T0.AddMilliseconds(1234),
        };
        var token = new RefreshTokenRecord
        {
            Id = Guid.CreateVersion7(), SessionId = session.Id, TokenHash = new string('a', 64), CreatedAt = T0, ExpiresAt = T0.AddDays(7), UsedAt = T0.AddHours(1), ReuseAllowedUntil = T0.AddHours(1).AddSeconds(10),
        };
        var key = new ApiKeyRecord
        {
            Id = Guid.CreateVersion7(), TenantId = user.TenantId, UserId = user.Id, Name = "ci", KeyId = "AbCdEf123456", SecretHash = new string('b', 64),
            Scopes = "llm:chat read", CreatedAt = T0, ExpiresAt = T0.AddYears(1), IsActive = false, LastUsedAt = T0.AddHours(2), UseCount = long.MaxValue - 1,
        };
        var signingKey = new SigningKeyRecord
        {
            KeyId = "kid-" + Guid.NewGuid().ToString("N"), Algorithm = "ES256", ProtectedKey = new string('p', 4000), CreatedAt = T0,
            RetiredAt = T0.AddDays(30), ValidUntil = T0.AddDays(30).AddMinutes(15),
        };

        var accountToken = new AccountTokenRecord
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, TenantId = user.TenantId, Purpose = "email-change", TokenHash = new string('c', 64),
            Email = "New@Example.com", NormalizedEmail = "new@example.com", CreatedAt = T0, ExpiresAt = T0.AddMinutes(30), UsedAt = T0.AddMinutes(5),
        };

        await using (var db = Database.CreateContext())
        {
            db.AddRange(user, session, token, key, signingKey, accountToken);
            await db.SaveChangesAsync();
        }

        await using (var db = Database.CreateContext())
        {
            ShouldHaveSameValues(await db.Users.SingleAsync(u => u.Id == user.Id), user);
            ShouldHaveSameValues(await db.Sessions.SingleAsync(s => s.Id == session.Id), session);
            ShouldHaveSameValues(await db.RefreshTokens.SingleAsync(t => t.Id == token.Id), token);
            ShouldHaveSameValues(await db.ApiKeys.SingleAsync(k => k.Id == key.Id), key);
            ShouldHaveSameValues(await db.SigningKeys.SingleAsync(k => k.KeyId == signingKey.KeyId), signingKey);
            ShouldHaveSameValues(await db.AccountTokens.SingleAsync(t => t.Id == accountToken.Id), accountToken);

            // Ordering and comparison of timestamps work in the database (ticks on SQLite, timestamptz on PostgreSQL).
            (await db.Sessions.CountAsync(s => s.Id == session.Id && s.ExpiresAt > T0.AddDays(6) && s.RevokedAt < T0.AddDays(2))).ShouldBe(1);
        }

        // Deleting the user cascades to its sessions, their refresh tokens and its API keys.
        await using (var db = Database.CreateContext())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync();
            (await db.Sessions.CountAsync(s => s.Id == session.Id)).ShouldBe(0);
            (await db.RefreshTokens.CountAsync(t => t.Id == token.Id)).ShouldBe(0);
            (await db.ApiKeys.CountAsync(k => k.Id == key.Id)).ShouldBe(0);
            (await db.AccountTokens.CountAsync(t => t.Id == accountToken.Id)).ShouldBe(0);
        }
    }

    [Fact]
    public async Task Email_is_unique_per_tenant_only()
    {
        var time = TestClock.Create();
        var tenantA = TestDatabase.NewTenant();
        var tenantB = TestDatabase.NewTenant();
        await Database.AddUserAsync(tenantA, time, email: "same@example.com");
        await Database.AddUserAsync(tenantB, time, email: "same@example.com");

        await Should.ThrowAsync<DbUpdateException>(() => Database.AddUserAsync(tenantA, time, email: "same@example.com"));
        await using var db = Database.CreateContext();
        (await db.Users.CountAsync(u => u.NormalizedEmail == "same@example.com" && (u.TenantId == tenantA || u.TenantId == tenantB))).ShouldBe(2);
    }

    [Fact]
    public async Task Security_stamp_is_an_optimistic_concurrency_token()
    {
        var user = await Database.AddUserAsync(TestDatabase.NewTenant(), TestClock.Create());
        await using var login = Database.CreateContext();
        var stale = await login.Users.SingleAsync(u => u.Id == user.Id);

        await using (var passwordChange = Database.CreateContext())
        {
            var fresh = await passwordChange.Users.SingleAsync(u => u.Id == user.Id);
            fresh.SecurityStamp = "new-stamp";
            await passwordChange.SaveChangesAsync();
        }

        stale.LastLoginAt = T0;
        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => login.SaveChangesAsync());
    }

    [Fact]
    public async Task Concurrent_migrations_of_a_fresh_database_apply_once()
    {
        var fresh = new TDatabase();
        await fresh.CreateAsync();
        try
        {
            var contexts = Enumerable.Range(0, 4).Select(_ => fresh.CreateContext()).ToList();
            await Task.WhenAll(contexts.Select(c => c.MigrateExclusivelyAsync(AuthStoreServices.Store.MigrationLockKey)));
            foreach (var c in contexts)
            {
                await c.DisposeAsync();
            }

            await using var db = fresh.CreateContext();
            var applied = await DbQuery.RowsAsync(db, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"");
            applied.Select(r => (string)r[0]!).ShouldBe(db.Database.GetMigrations(), "each migration applied exactly once");
            (await db.Users.CountAsync()).ShouldBe(0);
        }
        finally
        {
            await fresh.DropAsync();
        }
    }

    private static void ShouldHaveSameValues<T>(T actual, T expected)
    {
        foreach (var property in typeof(T).GetProperties())
        {
            property.GetValue(actual).ShouldBe(property.GetValue(expected), $"{typeof(T).Name}.{property.Name}");
        }
    }

    private async Task<List<(string Name, string? Type, bool Nullable)>> ColumnsAsync(DbContext db, string table)
    {
        var rows = IsSqlite
            ? await DbQuery.RowsAsync(db, "SELECT name, type, \"notnull\" FROM pragma_table_info(@p0)", table)
            : await DbQuery.RowsAsync(db,
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a " +
                "WHERE a.attrelid = @p0::regclass AND a.attnum > 0 AND NOT a.attisdropped", table);
        rows.ShouldNotBeEmpty($"table {table} exists");
        return rows.Select(r => ((string)r[0]!, (string?)r[1], !Convert.ToBoolean(r[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    private async Task<Dictionary<string, bool>> IndexesAsync(DbContext db, string table)
    {
        var rows = IsSqlite
            ? await DbQuery.RowsAsync(db, "SELECT name, \"unique\" FROM pragma_index_list(@p0) WHERE origin = 'c'", table)
            : await DbQuery.RowsAsync(db, "SELECT indexname::text, indexdef LIKE 'CREATE UNIQUE INDEX%' FROM pg_indexes WHERE tablename = @p0 AND indexname NOT LIKE 'pk_%'", table);
        return rows.ToDictionary(r => (string)r[0]!, r => Convert.ToBoolean(r[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<List<(string PrincipalTable, string Column, bool Cascade)>> ForeignKeysAsync(DbContext db, string table)
    {
        var rows = IsSqlite
            ? await DbQuery.RowsAsync(db, "SELECT \"table\", \"from\", on_delete FROM pragma_foreign_key_list(@p0)", table)
            : await DbQuery.RowsAsync(db,
                "SELECT c.confrelid::regclass::text, a.attname::text, (c.confdeltype = 'c')::text FROM pg_constraint c " +
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f' AND c.conrelid = @p0::regclass", table);
        return rows.Select(r => ((string)r[0]!, (string)r[1]!, r[2] is "CASCADE" or "true")).ToList();
    }
}

public sealed class AuthSchemaSqliteTests(SqliteTestDatabase database) : AuthSchemaTests<SqliteTestDatabase>(database);

public sealed class AuthSchemaPostgresTests(PostgresTestDatabase database) : AuthSchemaTests<PostgresTestDatabase>(database);
