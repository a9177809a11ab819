using Foundation.Llm.Routing.Storage;
using Foundation.Tests.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Foundation.Llm.ProviderKeys.Tests.Storage;

/// <summary>One real database per test class: a temporary SQLite file or a fresh PostgreSQL database, migrated, dropped afterwards.</summary>
public abstract class LlmTestDatabase : IAsyncLifetime
{
    public abstract string Provider { get; }

    public abstract void Configure(DbContextOptionsBuilder options);

    public abstract Task CreateAsync();

    public abstract Task DropAsync();

    public async Task InitializeAsync()
    {
        await CreateAsync();
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => DropAsync();

    public LlmDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<LlmDbContext>();
        Configure(builder);
        LlmDbContextOptions.ApplyDefaults(builder);
        return new LlmDbContext(builder.Options);
    }
}

public sealed class SqliteLlmDatabase : LlmTestDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"foundation-llm-test-{Guid.NewGuid():N}.db");

    public override string Provider => "sqlite";

    public override void Configure(DbContextOptionsBuilder options) => options.UseSqlite($"Data Source={_path};Pooling=False");

    public override Task CreateAsync() => Task.CompletedTask;

    public override Task DropAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(_path + suffix);
        }

        return Task.CompletedTask;
    }
}

public sealed class PostgresLlmDatabase : LlmTestDatabase
{
    private readonly string _admin;
    private readonly string _name = "foundation_llm_" + Guid.NewGuid().ToString("N")[..16];

    public PostgresLlmDatabase()
    {
        _admin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("FOUNDATION_TEST_POSTGRES is not set: the PostgreSQL store tests need the real server; run ./eng/test.sh.");
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = _name }.ConnectionString;
    }

    public string ConnectionString { get; }

    public override string Provider => "postgresql";

    public override void Configure(DbContextOptionsBuilder options) => options.UseNpgsql(ConnectionString);

    public override async Task CreateAsync()
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DropAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The hand-written migration creates exactly the schema of the EF model, and every column round-trips.</summary>
public abstract class LlmSchemaTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : LlmTestDatabase
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 15, 10, 0, 0, TimeSpan.Zero);

    private bool IsSqlite => database.Provider == "sqlite";

    [Fact]
    public async Task Migrated_schema_has_every_table_column_type_nullability_and_index_of_the_model()
    {
        await using var db = database.CreateContext();
        var entityType = db.Model.GetEntityTypes().ShouldHaveSingleItem();
        var table = entityType.GetTableName()!;
        table.ShouldBe("llm_provider_keys");
        var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        var expected = entityType.GetProperties()
            .Select(p => (Name: p.GetColumnName(store)!, Type: (string?)p.GetColumnType(store), Nullable: p.IsColumnNullable(store)))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        var rows = IsSqlite
            ? await DbQuery.RowsAsync(db, "SELECT name, type, \"notnull\" FROM pragma_table_info(@p0)", table)
            : await DbQuery.RowsAsync(db,
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a " +
                "WHERE a.attrelid = @p0::regclass AND a.attnum > 0 AND NOT a.attisdropped", table);
        var actual = rows.Select(r => ((string)r[0]!, (string?)r[1], !Convert.ToBoolean(r[2], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(c => c.Item1, StringComparer.Ordinal).ToList();
        actual.ShouldBe(expected, $"table {table} on {database.Provider}");

        var indexes = IsSqlite
            ? await DbQuery.RowsAsync(db, "SELECT name, \"unique\" FROM pragma_index_list(@p0) WHERE origin = 'c'", table)
            : await DbQuery.RowsAsync(db, "SELECT indexname::text, indexdef LIKE 'CREATE UNIQUE INDEX%' FROM pg_indexes WHERE tablename = @p0 AND indexname NOT LIKE 'pk_%'", table);
        var byName = indexes.ToDictionary(r => (string)r[0]!, r => Convert.ToBoolean(r[1], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var index in entityType.GetIndexes())
        {
            byName.ShouldContainKey(index.GetDatabaseName()!);
            byName[index.GetDatabaseName()!].ShouldBe(index.IsUnique);
        }

        (await DbQuery.RowsAsync(db, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"")).Select(r => (string)r[0]!).ShouldBe(["20261215120000_InitialLlmSchema"]);
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_column_round_trips_and_timestamps_compare_in_the_database()
    {
        var full = new ProviderKeyRecord
        {
            Id = Guid.CreateVersion7(), TenantId = "acme", OwnerUserId = Guid.NewGuid().ToString(), Provider = ProviderKeyType.HuggingFace,
            Name = new string('n', 100), ProtectedKey = new string('p', 5000), BaseUrl = "https://example.com/" + new string('u', 2000), KeyHint = "hf_...abcd",
            CreatedAt = T0, UpdatedAt = T0.AddMinutes(1), LastUsedAt = T0.AddHours(1), LastTestedAt = T0.AddHours(2), LastTestOk = false,
            LastTestMessage = new string('m', 500),
        };
        var tenantWide = new ProviderKeyRecord
        {
            Id = Guid.CreateVersion7(), TenantId = "acme", Provider = ProviderKeyType.Custom, Name = "local", ProtectedKey = "x", KeyHint = "****",
            CreatedAt = T0, UpdatedAt = T0,
        };

        await using (var db = database.CreateContext())
        {
            db.ProviderKeys.AddRange(full, tenantWide);
            await db.SaveChangesAsync();
        }

        await using (var db = database.CreateContext())
        {
            foreach (var expected in new[] { full, tenantWide })
            {
                var actual = await db.ProviderKeys.SingleAsync(k => k.Id == expected.Id);
                foreach (var property in typeof(ProviderKeyRecord).GetProperties())
                {
                    property.GetValue(actual).ShouldBe(property.GetValue(expected), property.Name);
                }
            }

            (await db.ProviderKeys.CountAsync(k => k.TenantId == "acme" && k.OwnerUserId == null && k.Provider == ProviderKeyType.Custom)).ShouldBe(1);
            (await db.ProviderKeys.CountAsync(k => k.Id == full.Id && k.LastUsedAt > T0.AddMinutes(30) && k.CreatedAt < T0.AddSeconds(1))).ShouldBe(1);
        }

        await using (var db = database.CreateContext())
        {
            var stored = await DbQuery.RowsAsync(db, "SELECT provider FROM llm_provider_keys WHERE name = @p0", "local");
            stored.Single()[0].ShouldBe("custom");
        }
    }
}

public sealed class LlmSchemaSqliteTests(SqliteLlmDatabase database) : LlmSchemaTests<SqliteLlmDatabase>(database);

public sealed class LlmSchemaPostgresTests(PostgresLlmDatabase database) : LlmSchemaTests<PostgresLlmDatabase>(database);
