using Foundation.Storage.Storage;
using Foundation.Testing;

namespace Foundation.Storage.Tests.Infrastructure;

/// <summary>One real database per test class for the Storage store: a temporary SQLite file (WAL) or a fresh PostgreSQL database.</summary>
public abstract class StorageTestDatabase(TestDatabaseEngine engine) : StoreTestDatabase<StorageDbContext>(engine);

public sealed class SqliteStorageDatabase() : StorageTestDatabase(new SqliteTestEngine("foundation-storage-test", "Default Timeout=60", wal: true));

public sealed class PostgresStorageDatabase() : StorageTestDatabase(new PostgresTestEngine("foundation_storage", maxPoolSize: 20));
