using Foundation.Auth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Foundation.Auth.Tests.Storage;

/// <summary>
/// The organisations migration moves existing data: tenant id = organisation id, one organisation per distinct tenant of
/// <c>auth_users</c> and one membership per user with the roles it had. On SQLite and PostgreSQL.
/// </summary>
public abstract class OrganizationMigrationTests(TestDatabase database) : IAsyncLifetime
{
    private const string Before = "20261203110000_AccountEmailTokens"; // the migration just before Organizations

    public Task InitializeAsync() => database.CreateAsync();

    public Task DisposeAsync() => database.DropAsync();

    [Fact]
    public async Task Existing_tenants_become_organisations_and_users_their_members_with_their_roles()
    {
        var time = TestClock.Create();
        await using (var db = database.CreateContext())
        {
            await db.Database.GetService<IMigrator>().MigrateAsync(Before);
        }

        var owner = await database.AddUserAsync(string.Empty, time, roles: "owner");
        var member = await database.AddUserAsync(string.Empty, time, roles: "member");
        var admin = await database.AddUserAsync("acme", time, roles: "admin member");
        var acmeOwner = await database.AddUserAsync("acme", time, roles: "owner");

        await using (var db = database.CreateContext())
        {
            await db.Database.MigrateAsync();
        }

        await using var check = database.CreateContext();
        var organizations = await check.Organizations.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
        organizations.Select(o => (o.Id, o.Name, o.Slug, o.Settings)).ShouldBe([(string.Empty, "Default", (string?)null, "{}"), ("acme", "acme", null, "{}")]);
        var members = await check.OrganizationMembers.AsNoTracking().ToListAsync();
        members.Select(m => (m.OrganizationId, m.UserId, m.Role)).ShouldBe(
            [(string.Empty, owner.Id, "owner"), (string.Empty, member.Id, "member"), ("acme", admin.Id, "admin member"), ("acme", acmeOwner.Id, "owner")],
            ignoreOrder: true);
        members.ShouldAllBe(m => m.JoinedAt == owner.CreatedAt);
    }
}

public sealed class OrganizationMigrationSqliteTests() : OrganizationMigrationTests(new SqliteTestDatabase());

public sealed class OrganizationMigrationPostgresTests() : OrganizationMigrationTests(new PostgresTestDatabase());
