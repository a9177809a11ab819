using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Foundation.Costing.Storage;

/// <summary>
/// The Costing store: the usage ledger, budgets, their per-period counters, in-flight reservations and administrator prices, in tables
/// prefixed <c>costing_</c>. Created and upgraded by hand-written migrations (<see cref="CostingDatabaseMigrator"/>) on SQLite and PostgreSQL.
/// </summary>
public sealed class CostingDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    public CostingDbContext(DbContextOptions<CostingDbContext> options)
        : base(options)
    {
    }

    /// <summary>The usage ledger.</summary>
    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();

    /// <summary>Budgets.</summary>
    public DbSet<BudgetEntity> Budgets => Set<BudgetEntity>();

    /// <summary>Per-period budget counters.</summary>
    public DbSet<BudgetUsageEntity> BudgetUsage => Set<BudgetUsageEntity>();

    /// <summary>In-flight reservations.</summary>
    public DbSet<ReservationEntity> Reservations => Set<ReservationEntity>();

    /// <summary>Instances' budget leases.</summary>
    public DbSet<BudgetLeaseEntity> BudgetLeases => Set<BudgetLeaseEntity>();

    /// <summary>Administrator prices.</summary>
    public DbSet<PriceEntity> Prices => Set<PriceEntity>();

    /// <summary>Whether the provider is SQLite (the store then keeps timestamps as UTC ticks).</summary>
    internal bool IsSqlite => Database.IsSqlite();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CostingDbContext).Assembly,
            t => string.Equals(t.Namespace, typeof(CostingDbContext).Namespace, StringComparison.Ordinal));
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

    /// <summary>What every configuration of the context adds (see the Auth store: there is no model snapshot, the schema tests prove the migration).</summary>
    internal static DbContextOptionsBuilder ApplyDefaults(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}

/// <summary>Stores a <see cref="DateTimeOffset"/> as its UTC ticks, so SQLite can compare and order it.</summary>
internal sealed class UtcTicksConverter : ValueConverter<DateTimeOffset, long>
{
    public UtcTicksConverter()
        : base(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero))
    {
    }
}
