using Foundation.Auth.ApiKeys;
using Foundation.Auth.Authentication;
using Foundation.Auth.Internal;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Foundation.Auth.Tests.Storage;

public class AuthStoreRegistrationTests
{
    [Fact]
    public async Task UseSqlite_with_migrate_on_startup_migrates_before_the_host_runs_and_resolves_every_store_service()
    {
        var path = Path.Combine(Path.GetTempPath(), $"foundation-auth-host-{Guid.NewGuid():N}.db");
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddFoundationAuth().UseSqlite($"Data Source={path};Pooling=False", migrateOnStartup: true);
            using (var host = builder.Build())
            {
                await host.StartAsync();
                await using (var scope = host.Services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
                    (await db.Database.GetAppliedMigrationsAsync()).ShouldBe(db.Database.GetMigrations());
                    (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
                    scope.ServiceProvider.GetRequiredService<SessionService>().ShouldNotBeNull();
                    scope.ServiceProvider.GetRequiredService<ApiKeyService>().ShouldNotBeNull();
                    scope.ServiceProvider.GetRequiredService<ISessionValidator>().ShouldBeOfType<SessionValidator>();
                    scope.ServiceProvider.GetRequiredService<IApiKeyAuthenticator>().ShouldBeOfType<ApiKeyAuthenticator>();
                    scope.ServiceProvider.GetRequiredService<ISigningKeyStore>().ShouldBeOfType<ScopedSigningKeyStore>();
                    scope.ServiceProvider.GetRequiredService<EfSigningKeyStore>().ShouldNotBeNull();
                }

                host.Services.GetServices<IHostedService>().OfType<ExpiredSessionCleanupService>().Count().ShouldBe(1);
                await host.StopAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void Without_a_store_the_host_builds_and_a_store_service_names_the_builder_methods()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFoundationAuth();
        AuthRegistration.RegisterStores(services);
        AuthRegistration.RegisterStores(services);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        using var scope = provider.CreateScope();

        var ex = Should.Throw<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<SessionService>());
        ex.Message.ShouldContain("UseSqlite");
        ex.Message.ShouldContain("UseNpgsql");
        provider.GetServices<IHostedService>().OfType<ExpiredSessionCleanupService>().Count().ShouldBe(1);
    }

    [Fact]
    public void A_second_Use_call_replaces_the_provider_instead_of_adding_one()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFoundationAuth().UseNpgsql("Host=127.0.0.1;Database=unused").UseSqlite("Data Source=:memory:");
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        scope.ServiceProvider.GetRequiredService<AuthDbContext>().Database.IsSqlite().ShouldBeTrue();
    }

    [Fact]
    public void Choosing_a_store_registers_the_migrator_once_as_IStoreMigrator_and_without_a_store_there_is_none()
    {
        var without = new ServiceCollection();
        without.AddLogging();
        without.AddFoundationAuth();
        using (var provider = without.BuildServiceProvider())
        {
            provider.GetServices<Foundation.Data.IStoreMigrator>().ShouldBeEmpty();
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFoundationAuth().UseNpgsql("Host=127.0.0.1;Database=unused", migrateOnStartup: true).UseSqlite("Data Source=:memory:", migrateOnStartup: true);
        using var withStore = services.BuildServiceProvider();
        var migrator = withStore.GetServices<Foundation.Data.IStoreMigrator>().ShouldHaveSingleItem();
        migrator.ShouldBeSameAs(withStore.GetRequiredService<AuthDatabaseMigrator>());
        migrator.Name.ShouldBe("auth");
        withStore.GetServices<IHostedService>().Count(h => h.GetType().Name.StartsWith("StoreMigrationHostedService", StringComparison.Ordinal)).ShouldBe(1);
    }
}
