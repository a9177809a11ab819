using Foundation.Internal;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Storage;

/// <summary>
/// The Auth store: users, sessions, refresh tokens, API keys and signing keys, in tables prefixed <c>auth_</c>.
/// The schema is created and upgraded by migrations (<c>Database.MigrateAsync()</c>), on SQLite and PostgreSQL alike.
/// </summary>
public sealed class AuthDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    public AuthDbContext(DbContextOptions<AuthDbContext> options)
        : base(options)
    {
    }

    /// <summary>Users.</summary>
    public DbSet<UserRecord> Users => Set<UserRecord>();

    /// <summary>Sessions.</summary>
    public DbSet<SessionRecord> Sessions => Set<SessionRecord>();

    /// <summary>Refresh tokens.</summary>
    public DbSet<RefreshTokenRecord> RefreshTokens => Set<RefreshTokenRecord>();

    /// <summary>API keys.</summary>
    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    /// <summary>Signing keys.</summary>
    public DbSet<SigningKeyRecord> SigningKeys => Set<SigningKeyRecord>();

    /// <summary>Single-use account e-mail tokens (password reset, e-mail confirmation, change of e-mail).</summary>
    public DbSet<AccountTokenRecord> AccountTokens => Set<AccountTokenRecord>();

    /// <summary>Organisations (the tenants, first-class).</summary>
    public DbSet<OrganizationRecord> Organizations => Set<OrganizationRecord>();

    /// <summary>Memberships of users in organisations, with their role in each.</summary>
    public DbSet<OrganizationMemberRecord> OrganizationMembers => Set<OrganizationMemberRecord>();

    /// <summary>Teams inside organisations.</summary>
    public DbSet<TeamRecord> Teams => Set<TeamRecord>();

    /// <summary>Members of teams, with their team role.</summary>
    public DbSet<TeamMemberRecord> TeamMembers => Set<TeamMemberRecord>();

    /// <summary>Invitations to organisations.</summary>
    public DbSet<InvitationRecord> Invitations => Set<InvitationRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => StoreModel.ApplyConfigurationsBeside<AuthDbContext>(modelBuilder);

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        StoreModel.StoreTimestampsAsUtcTicksOnSqlite(configurationBuilder, Database);
}
