using Foundation.Auth.Internal;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the EF Core database of Foundation.Auth: SQLite, PostgreSQL, or any configuration of your own.</summary>
public static class AuthBuilderStoreExtensions
{
    /// <summary>
    /// Keeps users, sessions, refresh tokens, API keys and signing keys in the SQLite database of
    /// <paramref name="connectionString"/> (for example <c>Data Source=/var/lib/app/foundation.db</c>): the embedded
    /// default for one machine.
    /// </summary>
    /// <param name="builder">The builder <c>AddFoundationAuth()</c> returned.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts, before any hosted service runs.</param>
    public static AuthBuilder UseSqlite(this AuthBuilder builder, string connectionString, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Sqlite(connectionString), migrateOnStartup);

    /// <summary>
    /// Keeps the Auth data in the PostgreSQL database of <paramref name="connectionString"/>: how several app
    /// instances share one store.
    /// </summary>
    /// <param name="builder">The builder <c>AddFoundationAuth()</c> returned.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts; concurrent instances are serialised by EF Core's migration lock.</param>
    public static AuthBuilder UseNpgsql(this AuthBuilder builder, string connectionString, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Npgsql(connectionString), migrateOnStartup);

    /// <summary>
    /// Configures <see cref="AuthDbContext"/> yourself (provider, logging, retry strategy). The migrations ship for
    /// SQLite and PostgreSQL only. The context is pooled, so <paramref name="configure"/> runs once and must not use
    /// scoped services.
    /// </summary>
    /// <param name="builder">The builder <c>AddFoundationAuth()</c> returned.</param>
    /// <param name="configure">Chooses and configures the provider.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public static AuthBuilder UseDbContext(this AuthBuilder builder, Action<DbContextOptionsBuilder> configure, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Own(configure), migrateOnStartup);

    /// <summary>
    /// Configures <see cref="AuthDbContext"/> from the application's services, for a connection that is only known once
    /// the container is built (Foundation.Hosting uses it to follow <c>Foundation:Database</c>). The context is pooled:
    /// <paramref name="configure"/> runs once, with the root provider.
    /// </summary>
    /// <param name="builder">The builder <c>AddFoundationAuth()</c> returned.</param>
    /// <param name="configure">Chooses and configures the provider.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public static AuthBuilder UseDbContext(this AuthBuilder builder, Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;

        // Pooled (StoreRegistration): the session validator and the API-key authenticator run on every authenticated request.
        StoreRegistration.UseDbContext<AuthDbContext, AuthDatabaseMigrator>(services, configure, migrateOnStartup);
        AuthRegistration.RegisterStores(services);
        services.TryAddEnumerable(ServiceDescriptor.Scoped<Foundation.PersonalData.IPersonalDataProvider, Foundation.Auth.PersonalData.AuthPersonalDataProvider>());

        // With a database the signing keys live there, replacing any default store registered before.
        // The key ring is a singleton; it reaches the database through a fresh scope per call.
        services.RemoveAll<ISigningKeyStore>();
        services.TryAddScoped<EfSigningKeyStore>();
        services.AddSingleton<ISigningKeyStore, ScopedSigningKeyStore>();

        return builder;
    }
}
