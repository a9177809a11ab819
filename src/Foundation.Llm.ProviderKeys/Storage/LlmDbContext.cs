using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Foundation.Llm.Routing.Storage;

/// <summary>
/// The Foundation.Llm.Routing store: provider keys users and tenants bring, in tables prefixed <c>llm_</c>. Created and
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
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LlmDbContext).Assembly, t => string.Equals(t.Namespace, typeof(LlmDbContext).Namespace, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite cannot order or compare DateTimeOffset; store UTC ticks there. PostgreSQL keeps timestamptz.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
    }

    /// <summary>Stores a <see cref="DateTimeOffset"/> as its UTC ticks (as Foundation.Auth does on SQLite).</summary>
    private sealed class UtcTicksConverter : ValueConverter<DateTimeOffset, long>
    {
        public UtcTicksConverter()
            : base(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero))
        {
        }
    }
}

/// <summary>What every <see cref="LlmDbContext"/> configuration adds, whichever provider is chosen.</summary>
internal static class LlmDbContextOptions
{
    /// <summary>
    /// The migration is hand-written and there is deliberately no model snapshot (as in Foundation.Auth), so EF would
    /// always report pending model changes; the tests prove on SQLite and PostgreSQL that the schema matches the model.
    /// </summary>
    public static DbContextOptionsBuilder ApplyDefaults(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}
