using Foundation.Internal;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Llm.Routing.Storage;

/// <summary>
/// The Foundation.Llm.ProviderKeys store: provider keys users and tenants bring, in tables prefixed <c>llm_</c>. Created and
/// upgraded by hand-written migrations (<see cref="LlmDatabaseMigrator"/>), on SQLite and PostgreSQL alike.
/// </summary>
public sealed class LlmDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    public LlmDbContext(DbContextOptions<LlmDbContext> options)
        : base(options)
    {
    }

    /// <summary>The stored provider keys.</summary>
    public DbSet<ProviderKeyRecord> ProviderKeys => Set<ProviderKeyRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => StoreModel.ApplyConfigurationsBeside<LlmDbContext>(modelBuilder);

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        StoreModel.StoreTimestampsAsUtcTicksOnSqlite(configurationBuilder, Database);
}
