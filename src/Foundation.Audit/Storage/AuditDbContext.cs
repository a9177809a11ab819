using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Foundation.Audit.Storage;

/// <summary>
/// The Audit store: events with their hash-chain links, the head of each tenant's chain, signed checkpoints and generated signing keys,
/// in tables prefixed <c>audit_</c>. Created and upgraded by hand-written migrations (<see cref="AuditDatabaseMigrator"/>) on SQLite and PostgreSQL.
/// </summary>
public sealed class AuditDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    public AuditDbContext(DbContextOptions<AuditDbContext> options)
        : base(options)
    {
    }

    /// <summary>The events.</summary>
    public DbSet<AuditEventEntity> Events => Set<AuditEventEntity>();

    /// <summary>The head of each tenant's chain.</summary>
    public DbSet<AuditChainHeadEntity> Heads => Set<AuditChainHeadEntity>();

    /// <summary>Signed checkpoints.</summary>
    public DbSet<AuditCheckpointEntity> Checkpoints => Set<AuditCheckpointEntity>();

    /// <summary>Generated signing keys (protected).</summary>
    public DbSet<AuditSigningKeyEntity> SigningKeys => Set<AuditSigningKeyEntity>();

    /// <summary>Legal holds per tenant.</summary>
    public DbSet<AuditLegalHoldEntity> LegalHolds => Set<AuditLegalHoldEntity>();

    internal bool IsSqlite => Database.IsSqlite();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AuditDbContext).Assembly,
            t => string.Equals(t.Namespace, typeof(AuditDbContext).Namespace, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite cannot order or compare DateTimeOffset; store UTC ticks there. PostgreSQL keeps timestamptz.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<AuditUtcTicksConverter>();
        }
    }

    /// <summary>What every configuration of the context adds (there is no model snapshot; the schema tests prove the migration).</summary>
    internal static DbContextOptionsBuilder ApplyDefaults(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}

/// <summary>Stores a <see cref="DateTimeOffset"/> as its UTC ticks, so SQLite can compare and order it.</summary>
internal sealed class AuditUtcTicksConverter : ValueConverter<DateTimeOffset, long>
{
    public AuditUtcTicksConverter()
        : base(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero))
    {
    }
}
