using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Foundation.Llm.Routing.Storage;

/// <summary>
/// Applies the Foundation.Llm.Routing migrations (provider keys) to the configured database (SQLite or PostgreSQL). Safe
/// to run from several instances at once: on PostgreSQL a session advisory lock is held for the whole run (see
/// ExclusiveMigration), on SQLite EF Core's lock row.
/// </summary>
public sealed class LlmDatabaseMigrator : Foundation.Data.IStoreMigrator
{
    /// <summary>The PostgreSQL advisory lock key held while these migrations are applied (constant per package).</summary>
    internal const long MigrationLockKey = 0x46_6F_75_6E_04;

    internal const string NoStoreMessage =
        "Foundation.Llm.Routing's provider-key store has no database: call UseSqlite, UseNpgsql or UseDbContext on the builder AddFoundationLlmProviderKeys() returned.";

    private readonly IServiceScopeFactory _scopeFactory;

    /// <summary>Creates the migrator.</summary>
    public LlmDatabaseMigrator(IServiceScopeFactory scopeFactory)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        _scopeFactory = scopeFactory;
    }

    /// <inheritdoc />
    public string Name => "llm.provider-keys";

    /// <summary>Creates or upgrades the <c>llm_</c> tables to the latest migration.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetService<LlmDbContext>() ?? throw new InvalidOperationException(NoStoreMessage);
            await db.MigrateExclusivelyAsync(MigrationLockKey, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Migrates before any hosted service starts, when the store was added with <c>migrateOnStartup: true</c>.</summary>
internal sealed class LlmDatabaseMigrationHostedService : IHostedLifecycleService
{
    private readonly LlmDatabaseMigrator _migrator;

    public LlmDatabaseMigrationHostedService(LlmDatabaseMigrator migrator) => _migrator = migrator;

    public Task StartingAsync(CancellationToken cancellationToken) => _migrator.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
