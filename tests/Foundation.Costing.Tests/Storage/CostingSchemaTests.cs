using Foundation.Costing.Storage;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Foundation.Costing.Tests.Storage;

/// <summary>The hand-written migration creates exactly the schema of the EF model, on SQLite and PostgreSQL (the approach of the Auth store tests).</summary>
public abstract class CostingSchemaTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : CostingTestDatabase, new()
{
    protected CostingSchemaTests(TDatabase database) => Database = database;

    protected TDatabase Database { get; }

    private bool IsSqlite => Database.Provider == "sqlite";

    [Fact]
    public async Task Migrated_schema_has_every_table_column_type_and_nullability_of_the_model()
    {
        await using var db = Database.CreateContext();
        var entityTypes = db.Model.GetEntityTypes().ToList();
        entityTypes.Count.ShouldBe(6);
        foreach (var entityType in entityTypes)
        {
            var table = entityType.GetTableName()!;
            table.ShouldStartWith("costing_");
            var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
            var expected = entityType.GetProperties()
                .Select(p => (Name: p.GetColumnName(store)!, Type: (string?)p.GetColumnType(store), Nullable: p.IsColumnNullable(store)))
                .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
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

            indexes.Count.ShouldBe(entityType.GetIndexes().Count(), $"no index on {table} beyond the model's");
            foreach (var fk in entityType.GetForeignKeys())
            {
                fk.DeleteBehavior.ShouldBe(DeleteBehavior.Cascade);
            }
        }

        var history = await DbQuery.RowsAsync(db, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"");
        history.Select(r => (string)r[0]!).ShouldBe(["20261122090000_InitialCostingSchema", "20261203090000_TenantPriceOverrides", "20261203120000_BudgetLeases"]);
        (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_column_of_every_entity_round_trips()
    {
        var t0 = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var budget = new BudgetEntity
        {
            Id = Guid.CreateVersion7(), TenantId = CostingTestDatabase.NewTenant(), Name = "member monthly", ScopeKind = Costing.Budgets.BudgetScope.Role, ScopeValue = "member",
            Period = Costing.Budgets.BudgetPeriod.Rolling, RollingHours = 36, LimitCostNanos = 20_000_000_000, LimitTokens = long.MaxValue - 1, Thresholds = "50,80,100",
            HardLimit = true, Enabled = false, CreatedAt = t0, UpdatedAt = t0.AddSeconds(1),
        };
        var usage = new BudgetUsageEntity
        {
            Id = Guid.CreateVersion7(), BudgetId = budget.Id, Subject = "u-1", PeriodStart = t0, PeriodEnd = t0.AddHours(1), SpentCostNanos = 123_456_789, SpentTokens = 42,
            ReservedCostNanos = 7, ReservedTokens = 8, ThresholdsRaised = 1 << 30 | 3, LeasedCostNanos = 9_000_000_001, LeasedTokens = 10,
        };
        var lease = new BudgetLeaseEntity
        {
            Id = Guid.CreateVersion7(), BudgetId = budget.Id, Subject = "u-1", PeriodStart = t0, Holder = new string('h', 64), CostNanos = 9_000_000_001, Tokens = 10,
            CreatedAt = t0, ExpiresAt = t0.AddMinutes(1),
        };
        var reservation = new ReservationEntity
        {
            Id = Guid.CreateVersion7(), ReservationId = Guid.CreateVersion7(), BudgetId = budget.Id, Subject = "u-1", PeriodStart = t0, CostNanos = 7, Tokens = 8,
            CreatedAt = t0, ExpiresAt = t0.AddMinutes(10),
        };
        var price = new PriceEntity
        {
            Id = Guid.CreateVersion7(), TenantId = budget.TenantId, Provider = "acme", Model = "m-" + Guid.NewGuid().ToString("N"), EffectiveFrom = t0, InputPerMillion = 0.000000001m,
            OutputPerMillion = 123456789.123456789m, CachedInputPerMillion = 0.075m, CacheWrite5mPerMillion = 3.75m, CacheWrite1hPerMillion = null, ReasoningPerMillion = 8m,
            CreatedAt = t0, CreatedBy = "admin@example.com",
        };
        var entry = new LedgerEntry
        {
            Id = Guid.CreateVersion7(), OccurredAt = t0.AddMilliseconds(123), HourBucket = t0.ToUnixTimeSeconds() / 3600, TenantId = budget.TenantId, UserId = "u-1",
            ApiKeyId = "AbCdEf123456", TeamId = "team", Roles = "admin member", Provider = "openai", Model = "gpt-4o-mini", Deployment = "eu", InputTokens = 1,
            CachedInputTokens = 2, CacheWriteInputTokens = 3, OutputTokens = 4, ReasoningTokens = 5, TotalTokens = 6, CostNanos = null, LatencyMs = 12.5,
            TimeToFirstTokenMs = 3.25, Status = Costing.Metering.UsageStatus.Cancelled, ErrorType = "TaskCanceledException", RequestId = "req", Estimated = true, Streaming = true,
        };
        await using (var db = Database.CreateContext())
        {
            db.AddRange(budget, usage, reservation, lease, price, entry);
            await db.SaveChangesAsync();
        }

        await using (var db = Database.CreateContext())
        {
            Same(await db.Budgets.SingleAsync(x => x.Id == budget.Id), budget);
            Same(await db.BudgetUsage.SingleAsync(x => x.Id == usage.Id), usage);
            Same(await db.Reservations.SingleAsync(x => x.Id == reservation.Id), reservation);
            Same(await db.BudgetLeases.SingleAsync(x => x.Id == lease.Id), lease);
            Same(await db.Prices.SingleAsync(x => x.Id == price.Id), price);
            Same(await db.Ledger.SingleAsync(x => x.Id == entry.Id), entry);
            await db.Budgets.Where(b => b.Id == budget.Id).ExecuteDeleteAsync();
            (await db.BudgetUsage.CountAsync(u => u.BudgetId == budget.Id)).ShouldBe(0, "deleting a budget cascades to its counters");
            (await db.Reservations.CountAsync(u => u.BudgetId == budget.Id)).ShouldBe(0, "and to its reservations");
            (await db.BudgetLeases.CountAsync(u => u.BudgetId == budget.Id)).ShouldBe(0, "and to its leases");
        }
    }

    [Fact]
    public async Task A_price_is_unique_per_provider_model_and_date_among_the_global_rows_and_within_each_tenant()
    {
        var t0 = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        var model = "m-" + Guid.NewGuid().ToString("N");
        var tenant = CostingTestDatabase.NewTenant();
        PriceEntity Row(string? tenantId) => new()
        {
            Id = Guid.CreateVersion7(), TenantId = tenantId, Provider = "acme", Model = model, EffectiveFrom = t0, InputPerMillion = 1m, OutputPerMillion = 2m, CreatedAt = t0,
        };

        await using (var db = Database.CreateContext())
        {
            // A global row, the same key as an override of two tenants (the default tenant is ""): all may coexist.
            db.Prices.AddRange(Row(null), Row(tenant), Row(""));
            await db.SaveChangesAsync();
        }

        foreach (var duplicate in new[] { (string?)null, tenant, "" })
        {
            await using var db = Database.CreateContext();
            db.Prices.Add(Row(duplicate));
            await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync(), $"a second row for tenant '{duplicate ?? "(global)"}'");
        }

        await using (var db = Database.CreateContext())
        {
            (await db.Prices.CountAsync(p => p.Model == model)).ShouldBe(3);
        }
    }

    private static void Same<T>(T actual, T expected)
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
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a WHERE a.attrelid = @p0::regclass AND a.attnum > 0 AND NOT a.attisdropped", table);
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
}

public sealed class CostingSchemaSqliteTests(SqliteCostingDatabase database) : CostingSchemaTests<SqliteCostingDatabase>(database);

public sealed class CostingSchemaPostgresTests(PostgresCostingDatabase database) : CostingSchemaTests<PostgresCostingDatabase>(database);
