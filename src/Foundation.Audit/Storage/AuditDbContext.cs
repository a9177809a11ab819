using Foundation.Internal;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>Per-person data keys of encrypted personal fields (crypto-shredding).</summary>
    public DbSet<AuditSubjectKeyEntity> SubjectKeys => Set<AuditSubjectKeyEntity>();

    /// <summary>GDPR erasures requested and completed.</summary>
    public DbSet<AuditErasureEntity> Erasures => Set<AuditErasureEntity>();

    /// <summary>Consent records.</summary>
    public DbSet<AuditConsentEntity> Consents => Set<AuditConsentEntity>();

    internal bool IsSqlite => Database.IsSqlite();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => StoreModel.ApplyConfigurationsBeside<AuditDbContext>(modelBuilder);

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        StoreModel.StoreTimestampsAsUtcTicksOnSqlite(configurationBuilder, Database);
}
