using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Foundation.Hosting.Data.KeyRing;

/// <summary>
/// The Data Protection key ring in the suite's database (<c>Foundation:DataProtection:KeyRing = Database</c>): one row per key or revocation
/// XML element in table <c>foundation_data_protection_keys</c>, so every instance of the app reads and writes one ring. Its migrations
/// (SQLite and PostgreSQL, hand-written) keep their own history table, <c>foundation_data_protection_migrations</c>.
/// </summary>
public sealed class KeyRingDbContext : DbContext, IDataProtectionKeyContext
{
    /// <summary>The migrations history table of this context.</summary>
    public const string MigrationsHistoryTable = "foundation_data_protection_migrations";

    /// <summary>Creates the context.</summary>
    public KeyRingDbContext(DbContextOptions<KeyRingDbContext> options)
        : base(options)
    {
    }

    /// <summary>The key ring's XML elements (keys and revocations, encrypted at rest when a certificate is configured).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("foundation_data_protection_keys");
            e.HasKey(k => k.Id).HasName("pk_foundation_data_protection_keys");
            e.Property(k => k.Id).HasColumnName("id");
            e.Property(k => k.FriendlyName).HasColumnName("friendly_name");
            e.Property(k => k.Xml).HasColumnName("xml");
        });
    }

    /// <summary>What every configuration of the context adds (there is no model snapshot; the tests prove the migration).</summary>
    internal static DbContextOptionsBuilder ApplyDefaults(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}
