using Foundation.Costing.Ledger;
using Foundation.Costing.Metering;
using Foundation.Costing.Pricing;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Costing.Tests.Ledger;

/// <summary>
/// The ledger's bulk insert (shared BatchInsert: SQLite one prepared row at a time; PostgreSQL INSERT ... SELECT FROM unnest of
/// one array parameter per column, 1,000 rows a statement) stores every row with its values, NULLs included, on both providers.
/// </summary>
public abstract class LedgerBulkInsertTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : CostingTestDatabase, new()
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 21, 0, 0, TimeSpan.Zero);
    private readonly TDatabase _database;

    protected LedgerBulkInsertTests(TDatabase database) => _database = database;

    [Fact]
    public async Task A_batch_over_several_statements_is_stored_row_for_row_with_its_nulls()
    {
        var tenant = CostingTestDatabase.NewTenant();
        // 2,345 rows: on PostgreSQL two full statements and a shorter last one. Deployment and reasoning-free rows: a column
        // NULL in every row (Deployment) and columns NULL in some rows only (UserId, Cost, TimeToFirstToken).
        var records = Enumerable.Range(0, 2_345).Select(i => new UsageRecord
        {
            Id = Guid.CreateVersion7(),
            OccurredAt = Now.AddMilliseconds(-i),
            TenantId = tenant,
            UserId = i % 3 == 0 ? null : "user-" + i,
            Provider = "openai",
            Model = i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini",
            Usage = new TokenUsage(i, 0, 0, 0, 2 * i, 0),
            Cost = i % 7 == 0 ? null : 0.000001m * i,
            Latency = TimeSpan.FromMilliseconds(i + 0.5),
            TimeToFirstToken = i % 5 == 0 ? TimeSpan.FromMilliseconds(i) : null,
            Status = i % 11 == 0 ? UsageStatus.Error : UsageStatus.Success,
            Streaming = i % 4 == 0,
        }).ToList();

        await using (var db = _database.CreateContext())
        {
            await UsageLedgerStore.InsertAsync(db, records, skipExisting: false, CancellationToken.None);
        }

        await using (var db = _database.CreateContext())
        {
            var stored = await db.Ledger.AsNoTracking().Where(e => e.TenantId == tenant).ToDictionaryAsync(e => e.Id);
            stored.Count.ShouldBe(records.Count);
            foreach (var record in records)
            {
                var expected = UsageLedgerWriter.ToEntry(record);
                var actual = stored[record.Id];
                actual.OccurredAt.ShouldBe(expected.OccurredAt);
                actual.HourBucket.ShouldBe(expected.HourBucket);
                actual.UserId.ShouldBe(expected.UserId);
                actual.Model.ShouldBe(expected.Model);
                actual.Deployment.ShouldBeNull();
                actual.InputTokens.ShouldBe(expected.InputTokens);
                actual.OutputTokens.ShouldBe(expected.OutputTokens);
                actual.TotalTokens.ShouldBe(expected.TotalTokens);
                actual.CostNanos.ShouldBe(expected.CostNanos);
                actual.LatencyMs.ShouldBe(expected.LatencyMs);
                actual.TimeToFirstTokenMs.ShouldBe(expected.TimeToFirstTokenMs);
                actual.Status.ShouldBe(expected.Status);
                actual.Streaming.ShouldBe(expected.Streaming);
            }
        }
    }
}

public sealed class LedgerBulkInsertSqliteTests(SqliteCostingDatabase database) : LedgerBulkInsertTests<SqliteCostingDatabase>(database);

public sealed class LedgerBulkInsertPostgresTests(PostgresCostingDatabase database) : LedgerBulkInsertTests<PostgresCostingDatabase>(database);
