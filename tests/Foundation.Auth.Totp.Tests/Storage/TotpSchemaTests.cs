using Foundation.Auth.Totp.Storage;
using Foundation.Auth.Totp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Foundation.Auth.Totp.Tests.Storage;

/// <summary>The hand-written migration creates exactly the schema of the EF model, on SQLite and PostgreSQL.</summary>
public abstract class TotpSchemaTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : TotpTestDatabase, new()
{
    protected TotpSchemaTests(TDatabase database) => Database = database;

    protected TDatabase Database { get; }

    private bool IsSqlite => Database.Provider.StartsWith("sqlite", StringComparison.Ordinal);

    [Fact]
    public async Task Migrated_schema_has_every_table_column_type_and_nullability_of_the_model()
    {
        await using var db = Database.CreateContext();
        var entityTypes = db.Model.GetEntityTypes().ToList();
        entityTypes.Select(e => e.GetTableName()).Order(StringComparer.Ordinal).ShouldBe(["totp_enrollments", "totp_recovery_codes", "totp_trusted_devices"]);
        foreach (var entityType in entityTypes)
        {
            var table = entityType.GetTableName()!;
            table.ShouldStartWith("totp_");
            var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
            var expected = entityType.GetProperties()
                .Select(p => (Name: p.GetColumnName(store)!, Type: (string?)p.GetColumnType(store), Nullable: p.IsColumnNullable(store)))
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .ToList();
            var actual = (await ColumnsAsync(db, table)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            actual.ShouldBe(expected, $"table {table} on {Database.Provider}");
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

        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_column_round_trips_and_status_is_stored_as_text()
    {
        var t0 = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var enrollment = new TotpEnrollmentRecord
        {
            UserId = Guid.CreateVersion7(), TenantId = "t1", ProtectedSecret = new string('p', 500), Algorithm = Foundation.Auth.Totp.Otp.TotpAlgorithm.Sha512,
            Digits = 8, PeriodSeconds = 60, Status = TotpEnrollmentStatus.Enabled, CreatedAt = t0, PendingExpiresAt = t0.AddMinutes(10),
            EnabledAt = t0.AddMinutes(1), LastUsedTimeStep = 59_000_000_123, FailedCount = 3, FailureWindowStartedAt = t0.AddSeconds(7), BlockedUntil = t0.AddMinutes(15),
        };
        var code = new TotpRecoveryCodeRecord { Id = Guid.CreateVersion7(), UserId = enrollment.UserId, CodeHash = new string('a', 64), UsedAt = t0.AddHours(1) };
        var device = new TotpTrustedDeviceRecord
        {
            Id = Guid.CreateVersion7(), UserId = enrollment.UserId, TenantId = "t1", TokenHash = new string('b', 64), Name = new string('n', 100),
            UserAgent = new string('u', 512), CreatedAt = t0.AddMinutes(2), LastUsedAt = t0.AddDays(3), ExpiresAt = t0.AddDays(30),
        };
        await using (var db = Database.CreateContext())
        {
            db.AddRange(enrollment, code, device);
            await db.SaveChangesAsync();
        }

        await using (var db = Database.CreateContext())
        {
            (await db.Enrollments.SingleAsync(e => e.UserId == enrollment.UserId)).ShouldBeEquivalentTo(enrollment);
            (await db.RecoveryCodes.SingleAsync(c => c.Id == code.Id)).ShouldBeEquivalentTo(code);
            (await db.TrustedDevices.SingleAsync(d => d.Id == device.Id)).ShouldBeEquivalentTo(device);
            var rows = await DbQuery.RowsAsync(db, "SELECT status, algorithm FROM totp_enrollments WHERE tenant_id = 't1'");
            rows.Single().ShouldBe(["enabled", "Sha512"]);
            await db.Enrollments.Where(e => e.UserId == enrollment.UserId).ExecuteDeleteAsync();
            (await db.RecoveryCodes.CountAsync(c => c.Id == code.Id)).ShouldBe(0);
            (await db.TrustedDevices.CountAsync(d => d.Id == device.Id)).ShouldBe(0);
        }
    }

    [Fact]
    public async Task A_device_token_hash_is_unique_and_a_device_needs_an_enrolment()
    {
        var t0 = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var user = Guid.CreateVersion7();
        TotpTrustedDeviceRecord Device(Guid owner) => new()
        {
            Id = Guid.CreateVersion7(), UserId = owner, TenantId = "t1", TokenHash = new string('c', 64), Name = "d", CreatedAt = t0, ExpiresAt = t0.AddDays(1),
        };

        await using (var db = Database.CreateContext())
        {
            db.Add(Device(Guid.CreateVersion7()));
            await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        await using (var db = Database.CreateContext())
        {
            db.Add(new TotpEnrollmentRecord { UserId = user, TenantId = "t1", ProtectedSecret = "p", Status = TotpEnrollmentStatus.Enabled, CreatedAt = t0, Digits = 6, PeriodSeconds = 30 });
            db.Add(Device(user));
            await db.SaveChangesAsync();
        }

        await using (var db = Database.CreateContext())
        {
            db.Add(Device(user));
            await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        await using (var db = Database.CreateContext())
        {
            await db.Enrollments.Where(e => e.UserId == user).ExecuteDeleteAsync();
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

public sealed class TotpSchemaSqliteTests(SqliteTestDatabase database) : TotpSchemaTests<SqliteTestDatabase>(database);

public sealed class TotpSchemaPostgresTests(PostgresTestDatabase database) : TotpSchemaTests<PostgresTestDatabase>(database);

public sealed class TotpSchemaInMemoryTests(InMemoryTestDatabase database) : TotpSchemaTests<InMemoryTestDatabase>(database);
