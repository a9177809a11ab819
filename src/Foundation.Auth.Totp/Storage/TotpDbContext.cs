using Foundation.Internal;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Totp.Storage;

/// <summary>
/// The TOTP store: enrolments, recovery codes and trusted devices, in tables prefixed <c>totp_</c>. Created and upgraded by migrations
/// (<see cref="TotpDatabaseMigrator"/>), on SQLite and PostgreSQL alike.
/// </summary>
public sealed class TotpDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    public TotpDbContext(DbContextOptions<TotpDbContext> options)
        : base(options)
    {
    }

    /// <summary>Enrolments, one per user.</summary>
    public DbSet<TotpEnrollmentRecord> Enrollments => Set<TotpEnrollmentRecord>();

    /// <summary>Recovery codes, hashed.</summary>
    public DbSet<TotpRecoveryCodeRecord> RecoveryCodes => Set<TotpRecoveryCodeRecord>();

    /// <summary>Trusted ("remembered") devices, with hashed tokens.</summary>
    public DbSet<TotpTrustedDeviceRecord> TrustedDevices => Set<TotpTrustedDeviceRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => StoreModel.ApplyConfigurationsBeside<TotpDbContext>(modelBuilder);

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        StoreModel.StoreTimestampsAsUtcTicksOnSqlite(configurationBuilder, Database);
}
