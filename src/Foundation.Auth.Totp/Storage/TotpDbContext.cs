using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TotpDbContext).Assembly, t => string.Equals(t.Namespace, typeof(TotpDbContext).Namespace, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite cannot order or compare DateTimeOffset; store UTC ticks there. PostgreSQL keeps timestamptz.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        }
    }
}

/// <summary>What every <see cref="TotpDbContext"/> configuration adds, whichever provider is chosen.</summary>
internal static class TotpDbContextOptions
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
