using Foundation.FeatureFlags.Storage;
using Foundation.Testing;

namespace Foundation.FeatureFlags.Tests.Infrastructure;

/// <summary>One real database per test class for the FeatureFlags store: a temporary SQLite file (WAL) or a fresh PostgreSQL database.</summary>
public abstract class FeatureFlagsTestDatabase(TestDatabaseEngine engine) : StoreTestDatabase<FeatureFlagsDbContext>(engine);

public sealed class SqliteFeatureFlagsDatabase() : FeatureFlagsTestDatabase(new SqliteTestEngine("foundation-flags-test", "Default Timeout=60", wal: true));

public sealed class PostgresFeatureFlagsDatabase() : FeatureFlagsTestDatabase(new PostgresTestEngine("foundation_flags", maxPoolSize: 20));
