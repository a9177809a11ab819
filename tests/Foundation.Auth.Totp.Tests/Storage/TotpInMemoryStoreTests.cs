using Foundation.Auth.Totp.Storage;
using Foundation.Auth.Totp.Tests.Infrastructure;
using Foundation.Security;
using Foundation.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Totp.Tests.Storage;

/// <summary>
/// <c>UseInMemoryStore()</c>: migrated on first use, alive exactly as long as its service provider, private to it
/// unless a name is shared. (The whole service suite also runs on it: <c>TotpServiceInMemoryTests</c>.)
/// </summary>
public sealed class TotpInMemoryStoreTests
{
    private readonly TestSecretProtector _protector = new();

    [Fact]
    public async Task The_store_is_migrated_on_first_use_and_dies_with_its_service_provider()
    {
        var user = Guid.CreateVersion7();
        string name;
        await using (var sp = Build(null))
        {
            await using var scope = sp.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TotpDbContext>();
            (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
            (await db.Database.GetAppliedMigrationsAsync()).ShouldBe(["20261201120000_InitialTotpSchema", "20261215120000_TotpTrustedDevices"]);
            await scope.ServiceProvider.GetRequiredService<TotpService>().BeginSetupAsync(user, string.Empty, "ada@example.com");
            (await db.Enrollments.CountAsync()).ShouldBe(1);
            name = sp.GetRequiredService<TotpInMemoryDatabase>().Name;

            // The migrator is harmless on it (it is already migrated).
            await sp.GetRequiredService<TotpDatabaseMigrator>().MigrateAsync();
        }

        // Same name, new provider: the old database closed with its last connection, so this one starts empty.
        await using var again = Build(name);
        await using var againScope = again.CreateAsyncScope();
        (await againScope.ServiceProvider.GetRequiredService<TotpDbContext>().Enrollments.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Providers_have_their_own_database_unless_they_share_a_name()
    {
        var user = Guid.CreateVersion7();
        var name = "shared-" + Guid.NewGuid().ToString("N");
        await using var first = Build(name);
        await using var second = Build(name);
        await using var third = Build(null);
        await using (var scope = first.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TotpService>().BeginSetupAsync(user, string.Empty, "ada@example.com");
        }

        await using (var scope = second.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<TotpService>().GetStatusAsync(user)).PendingSetup.ShouldBeTrue();
        }

        await using (var scope = third.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<TotpService>().GetStatusAsync(user)).PendingSetup.ShouldBeFalse();
        }
    }

    private ServiceProvider Build(string? name)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(TestClock.Create());
        services.AddSingleton<IAuditEventWriter>(new RecordingAuditEventWriter());
        services.AddSingleton<ISecretProtector>(_protector);
        services.AddFoundationTotp(new ConfigurationBuilder().Build()).UseInMemoryStore(name);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
