using Foundation.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Totp.Storage;

/// <summary>
/// The store of <c>UseInMemoryStore()</c>: an in-memory SQLite database (a named, shared-cache <c>Mode=Memory</c>
/// database) kept alive by one connection that stays open as long as this singleton, that is as long as the service
/// provider. Its schema is made by the same migrations as on disk, and every command runs through SQLite, so replay
/// protection, atomic counters and unique constraints behave exactly as with <c>UseSqlite</c>. The data dies with the
/// service provider: for tests, demos and single-instance apps that accept losing enrolments on restart.
/// </summary>
public sealed class TotpInMemoryDatabase : IDisposable
{
    private readonly SqliteConnection _keepAlive;

    /// <summary>Creates (or joins, if one of that name is open in the process) the database and migrates it.</summary>
    /// <param name="name">The database's name; connections in this process with the same name share it.</param>
    public TotpInMemoryDatabase(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = name,
            Mode = SqliteOpenMode.Memory,
            Cache = SqliteCacheMode.Shared,

            // Pooled connections would keep the database alive after the provider is disposed.
            Pooling = false,
        }.ToString();
        _keepAlive = new SqliteConnection(ConnectionString);
        _keepAlive.Open();
        try
        {
            var options = StoreModel.ApplyDefaults(new DbContextOptionsBuilder<TotpDbContext>().UseSqlite(ConnectionString));
            using var db = new TotpDbContext((DbContextOptions<TotpDbContext>)options.Options);
            db.Database.Migrate();
        }
        catch
        {
            _keepAlive.Dispose();
            throw;
        }
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>The connection string of the database (Microsoft.Data.Sqlite).</summary>
    public string ConnectionString { get; }

    /// <summary>Closes the last connection: the database and its data are gone.</summary>
    public void Dispose() => _keepAlive.Dispose();
}
