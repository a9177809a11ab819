using Foundation.Data;
using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Llm.Routing.Storage;

/// <summary>
/// Applies the Foundation.Llm.ProviderKeys migrations (provider keys) to the configured database (SQLite or PostgreSQL). Safe
/// to run from several instances at once: on PostgreSQL a session advisory lock is held for the whole run (see
/// ExclusiveMigration), on SQLite EF Core's lock row. Registered as <see cref="IStoreMigrator"/> once a database is chosen.
/// </summary>
public sealed class LlmDatabaseMigrator(IServiceScopeFactory scopeFactory) : IStoreMigrator
{
    /// <summary>The store: PostgreSQL advisory lock key 0x466F756E04 (decision 0007).</summary>
    internal static readonly StoreDefinition<LlmDbContext> Store = new("llm.provider-keys", 0x46_6F_75_6E_04,
        "Foundation.Llm.ProviderKeys' store has no database: call UseSqlite, UseNpgsql or UseDbContext on the builder AddFoundationLlmProviderKeys() (or AddProviderKeyStore()) returned.");

    private readonly StoreMigrator<LlmDbContext> _migrator = new(scopeFactory, Store);

    /// <inheritdoc />
    public string Name => _migrator.Name;

    /// <summary>Creates or upgrades the <c>llm_</c> tables to the latest migration.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);
}
