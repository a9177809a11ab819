using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Foundation.Internal;

/// <summary>
/// The model and options conventions every Foundation store shares: configurations beside the context, DateTimeOffset as UTC
/// ticks on SQLite, and the options every configuration of a store context adds.
/// </summary>
/// <remarks>Shared source, compiled into every package that owns a store (see docs/decisions/0010-one-store-scaffold.md).</remarks>
internal static class StoreModel
{
    /// <summary>Applies the <c>IEntityTypeConfiguration</c>s of <typeparamref name="TContext"/>'s assembly that sit in its namespace.</summary>
    public static void ApplyConfigurationsBeside<TContext>(ModelBuilder modelBuilder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TContext).Assembly,
            t => string.Equals(t.Namespace, typeof(TContext).Namespace, StringComparison.Ordinal));
    }

    /// <summary>
    /// SQLite cannot order or compare <see cref="DateTimeOffset"/>; there every one is stored as its UTC ticks. PostgreSQL keeps timestamptz.
    /// </summary>
    public static void StoreTimestampsAsUtcTicksOnSqlite(ModelConfigurationBuilder configurationBuilder, DatabaseFacade database)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        ArgumentNullException.ThrowIfNull(database);
        if (database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
    }

    /// <summary>
    /// What every configuration of a store context adds, whichever provider is chosen. The migrations are hand-written and
    /// there is deliberately no model snapshot (the EF design tools cannot be restored here), so EF would always report
    /// pending model changes; each package's schema tests prove instead, on SQLite and PostgreSQL, that the migrated schema
    /// matches the model. On SQLite, every connection waits for the write lock inside SQLite (<see cref="SqliteBusyTimeout"/>).
    /// </summary>
    public static DbContextOptionsBuilder ApplyDefaults(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning))
            .AddInterceptors(SqliteBusyTimeout.Instance);
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
