using Foundation.Internal;
using Microsoft.EntityFrameworkCore;

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
    protected override void OnModelCreating(ModelBuilder modelBuilder) => StoreModel.ApplyConfigurationsBeside<CostingDbContext>(modelBuilder);

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        StoreModel.StoreTimestampsAsUtcTicksOnSqlite(configurationBuilder, Database);
}
