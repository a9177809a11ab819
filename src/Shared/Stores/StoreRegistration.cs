using Foundation.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Foundation.Internal;

/// <summary>
/// What every package's <c>UseSqlite</c> / <c>UseNpgsql</c> / <c>UseDbContext</c> does: registers the pooled store context
/// (a second call replaces the first), the package's migrator, as itself and as <see cref="IStoreMigrator"/>, and, when asked,
/// the start-up migration. The public builder methods are one-liners over it.
/// </summary>
/// <remarks>Shared source, compiled into every package that owns a store (see docs/decisions/0010-one-store-scaffold.md).</remarks>
internal static class StoreRegistration
{
    /// <summary>The configuration of <c>UseSqlite(connectionString)</c>.</summary>
    public static Action<IServiceProvider, DbContextOptionsBuilder> Sqlite(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return (_, options) => options.UseSqlite(connectionString);
    }

    /// <summary>The configuration of <c>UseNpgsql(connectionString)</c>.</summary>
    public static Action<IServiceProvider, DbContextOptionsBuilder> Npgsql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return (_, options) => options.UseNpgsql(connectionString);
    }

    /// <summary>The configuration of <c>UseDbContext(configure)</c>, which does not need the application's services.</summary>
    public static Action<IServiceProvider, DbContextOptionsBuilder> Own(Action<DbContextOptionsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return (_, options) => configure(options);
    }

    /// <summary>
    /// Registers <typeparamref name="TContext"/>, pooled, configured by <paramref name="configure"/> (which runs once, with
    /// the root provider, so it must not use scoped services), and <typeparamref name="TMigrator"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Chooses and configures the provider.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts, before any hosted service runs.</param>
    public static void UseDbContext<TContext, TMigrator>(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup)
        where TContext : DbContext
        where TMigrator : class, IStoreMigrator
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        // Pooled: the stores are read on hot paths (session validation, budgets, the audit writer), and a pooled context saves
        // building one and its services each time; the contexts keep no per-request state. A second Use* call replaces the
        // first instead of configuring two providers.
        services.RemoveAll<TContext>();
        services.RemoveAll<DbContextOptions<TContext>>();
        services.RemoveAll<IDbContextOptionsConfiguration<TContext>>();
        services.AddDbContextPool<TContext>((provider, options) =>
        {
            configure(provider, options);
            StoreModel.ApplyDefaults(options);
        });

        services.TryAddSingleton<TMigrator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreMigrator, TMigrator>(sp => sp.GetRequiredService<TMigrator>()));
        if (migrateOnStartup)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StoreMigrationHostedService<TMigrator>>());
        }
    }
}
