using Foundation.Auth.SecondFactor;
using Foundation.Auth.Totp;
using Foundation.Auth.Totp.Storage;
using Foundation.Configuration;
using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation.Auth.Totp.</summary>
public static class TotpServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TotpService"/>, <see cref="TwoFactorLoginService"/>, the <c>totp</c> second factor of
    /// Foundation.Auth's login and the enrolment cache of <c>UseFoundationSecondFactorEnrolment()</c>, with options from
    /// <c>Foundation:Auth:Totp</c>. Expects <c>AddFoundationAuth</c> and an <c>ISecretProtector</c> (Foundation.Hosting
    /// registers one). Choose the store on the returned builder; map the HTTP API with <c>app.MapFoundationTotpApi()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration holding <c>Foundation:Auth:Totp</c>.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    public static TotpBuilder AddFoundationTotp(this IServiceCollection services, IConfiguration configuration, Action<TotpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<TotpOptions>().BindStrictly(configuration.GetSection(TotpOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddFoundationDefaults();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TotpOptions>, TotpOptionsValidator>());
        services.TryAddScoped<TotpService>();
        // A factory, so a host that uses TotpService without Foundation.Auth's accounts still validates on build; the login
        // completion needs AccountService and says so when it is resolved without it.
        services.TryAddScoped(sp => sp.GetService<Foundation.Auth.Accounts.AccountService>() is null
            ? throw new InvalidOperationException(
                "TwoFactorLoginService completes logins of Foundation.Auth's accounts: call services.AddFoundationAuth(configuration) with a store (UseSqlite, UseNpgsql or UseDbContext) before resolving it.")
            : ActivatorUtilities.CreateInstance<TwoFactorLoginService>(sp));
        services.TryAddSingleton<SecondFactorEnrolmentCache>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<ISecondFactorProvider, TotpSecondFactorProvider>());
        services.TryAddSingleton<TotpDatabaseMigrator>();
        return new TotpBuilder(services);
    }

    /// <summary>Keeps enrolments and recovery codes in the SQLite database of <paramref name="connectionString"/>.</summary>
    /// <param name="builder">The builder <c>AddFoundationTotp()</c> returned.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts, before any hosted service runs.</param>
    public static TotpBuilder UseSqlite(this TotpBuilder builder, string connectionString, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Sqlite(connectionString), migrateOnStartup);

    /// <summary>Keeps enrolments and recovery codes in the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    /// <param name="builder">The builder <c>AddFoundationTotp()</c> returned.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public static TotpBuilder UseNpgsql(this TotpBuilder builder, string connectionString, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Npgsql(connectionString), migrateOnStartup);

    /// <summary>
    /// Keeps enrolments, recovery codes and trusted devices in an in-memory SQLite database that lives as long as the
    /// service provider (see <see cref="TotpInMemoryDatabase"/>): created and migrated on first use, with the same
    /// atomic statements as on disk. Everything is lost when the application stops, and app instances do not share it.
    /// </summary>
    /// <param name="builder">The builder <c>AddFoundationTotp()</c> returned.</param>
    /// <param name="databaseName">
    /// The in-memory database's name; service providers of this process using the same name share one database.
    /// Default: a new name per service provider.
    /// </param>
    public static TotpBuilder UseInMemoryStore(this TotpBuilder builder, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (databaseName is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        }

        builder.Services.RemoveAll<TotpInMemoryDatabase>();
        builder.Services.AddSingleton(_ => new TotpInMemoryDatabase(databaseName ?? "foundation-totp-" + Guid.NewGuid().ToString("N")));
        return builder.UseDbContext((provider, o) => o.UseSqlite(provider.GetRequiredService<TotpInMemoryDatabase>().ConnectionString));
    }

    /// <summary>Configures <see cref="TotpDbContext"/> yourself (provider, logging, retry strategy); pooled, so it must not use scoped services.</summary>
    /// <param name="builder">The builder <c>AddFoundationTotp()</c> returned.</param>
    /// <param name="configure">Chooses and configures the provider.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public static TotpBuilder UseDbContext(this TotpBuilder builder, Action<DbContextOptionsBuilder> configure, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Own(configure), migrateOnStartup);

    /// <summary>
    /// Configures <see cref="TotpDbContext"/> yourself, from the application's services. The migrations ship for SQLite
    /// and PostgreSQL only. The context is pooled: <paramref name="configure"/> runs once, with the root provider.
    /// </summary>
    /// <param name="builder">The builder <c>AddFoundationTotp()</c> returned.</param>
    /// <param name="configure">Chooses and configures the provider.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public static TotpBuilder UseDbContext(this TotpBuilder builder, Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        StoreRegistration.UseDbContext<TotpDbContext, TotpDatabaseMigrator>(builder.Services, configure, migrateOnStartup);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<Foundation.PersonalData.IPersonalDataProvider, Foundation.Auth.Totp.PersonalData.TotpPersonalDataProvider>());
        return builder;
    }
}
