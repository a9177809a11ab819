using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Foundation.Auth.Storage;

/// <summary>The column sizes of the organisation tables, shared by the model and the migration.</summary>
internal static class OrganizationColumnLengths
{
    public const int Name = 200;
    public const int Slug = 64;
    public const int TeamName = 100;
    public const int TeamRole = 16;
    public const int TeamIds = 1024;
}

/// <summary><c>auth_organizations</c>: keyed by the tenant id; unique slug (when set).</summary>
internal sealed class OrganizationRecordConfiguration : IEntityTypeConfiguration<OrganizationRecord>
{
    public void Configure(EntityTypeBuilder<OrganizationRecord> builder)
    {
        builder.ToTable("auth_organizations");
        builder.HasKey(o => o.Id).HasName("pk_auth_organizations");
        builder.Property(o => o.Id).HasColumnName("id").HasMaxLength(AuthColumnLengths.TenantId).ValueGeneratedNever();
        builder.Property(o => o.Name).HasColumnName("name").HasMaxLength(OrganizationColumnLengths.Name).IsRequired();
        builder.Property(o => o.Slug).HasColumnName("slug").HasMaxLength(OrganizationColumnLengths.Slug);
        builder.Property(o => o.Settings).HasColumnName("settings").IsRequired();
        builder.Property(o => o.CreatedAt).HasColumnName("created_at");
        builder.Property(o => o.UpdatedAt).HasColumnName("updated_at");
        builder.HasIndex(o => o.Slug).IsUnique().HasDatabaseName("ix_auth_organizations_slug");
    }
}

/// <summary><c>auth_organization_members</c>: keyed by (organization_id, user_id); deleted with their organisation or user.</summary>
internal sealed class OrganizationMemberRecordConfiguration : IEntityTypeConfiguration<OrganizationMemberRecord>
{
    public void Configure(EntityTypeBuilder<OrganizationMemberRecord> builder)
    {
        builder.ToTable("auth_organization_members");
        builder.HasKey(m => new { m.OrganizationId, m.UserId }).HasName("pk_auth_organization_members");
        builder.Property(m => m.OrganizationId).HasColumnName("organization_id").HasMaxLength(AuthColumnLengths.TenantId);
        builder.Property(m => m.UserId).HasColumnName("user_id");
        builder.Property(m => m.Role).HasColumnName("role").HasMaxLength(AuthColumnLengths.Roles).IsRequired();
        builder.Property(m => m.JoinedAt).HasColumnName("joined_at");
        builder.HasIndex(m => m.UserId).HasDatabaseName("ix_auth_organization_members_user_id");
        builder.HasOne<OrganizationRecord>().WithMany().HasForeignKey(m => m.OrganizationId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_organization_members_auth_organizations_organization_id");
        builder.HasOne<UserRecord>().WithMany().HasForeignKey(m => m.UserId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_organization_members_auth_users_user_id");
    }
}

/// <summary><c>auth_teams</c>: unique (organization_id, name); deleted with their organisation.</summary>
internal sealed class TeamRecordConfiguration : IEntityTypeConfiguration<TeamRecord>
{
    public void Configure(EntityTypeBuilder<TeamRecord> builder)
    {
        builder.ToTable("auth_teams");
        builder.HasKey(t => t.Id).HasName("pk_auth_teams");
        builder.Property(t => t.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(t => t.OrganizationId).HasColumnName("organization_id").HasMaxLength(AuthColumnLengths.TenantId).IsRequired();
        builder.Property(t => t.Name).HasColumnName("name").HasMaxLength(OrganizationColumnLengths.TeamName).IsRequired();
        builder.Property(t => t.CreatedAt).HasColumnName("created_at");
        builder.HasIndex(t => new { t.OrganizationId, t.Name }).IsUnique().HasDatabaseName("ix_auth_teams_organization_id_name");
        builder.HasOne<OrganizationRecord>().WithMany().HasForeignKey(t => t.OrganizationId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_teams_auth_organizations_organization_id");
    }
}

/// <summary><c>auth_team_members</c>: keyed by (team_id, user_id); deleted with their team or user.</summary>
internal sealed class TeamMemberRecordConfiguration : IEntityTypeConfiguration<TeamMemberRecord>
{
    public void Configure(EntityTypeBuilder<TeamMemberRecord> builder)
    {
        builder.ToTable("auth_team_members");
        builder.HasKey(m => new { m.TeamId, m.UserId }).HasName("pk_auth_team_members");
        builder.Property(m => m.TeamId).HasColumnName("team_id");
        builder.Property(m => m.UserId).HasColumnName("user_id");
        builder.Property(m => m.Role).HasColumnName("role").HasMaxLength(OrganizationColumnLengths.TeamRole).IsRequired();
        builder.Property(m => m.AddedAt).HasColumnName("added_at");
        builder.HasIndex(m => m.UserId).HasDatabaseName("ix_auth_team_members_user_id");
        builder.HasOne<TeamRecord>().WithMany().HasForeignKey(m => m.TeamId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_team_members_auth_teams_team_id");
        builder.HasOne<UserRecord>().WithMany().HasForeignKey(m => m.UserId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_team_members_auth_users_user_id");
    }
}

/// <summary><c>auth_invitations</c>: unique token_hash; indexed by (organization_id, normalized_email); deleted with their organisation.</summary>
internal sealed class InvitationRecordConfiguration : IEntityTypeConfiguration<InvitationRecord>
{
    public void Configure(EntityTypeBuilder<InvitationRecord> builder)
    {
        builder.ToTable("auth_invitations");
        builder.HasKey(i => i.Id).HasName("pk_auth_invitations");
        builder.Property(i => i.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(i => i.OrganizationId).HasColumnName("organization_id").HasMaxLength(AuthColumnLengths.TenantId).IsRequired();
        builder.Property(i => i.Email).HasColumnName("email").HasMaxLength(AuthColumnLengths.Email).IsRequired();
        builder.Property(i => i.NormalizedEmail).HasColumnName("normalized_email").HasMaxLength(AuthColumnLengths.Email).IsRequired();
        builder.Property(i => i.Role).HasColumnName("role").HasMaxLength(OrganizationColumnLengths.TeamRole).IsRequired();
        builder.Property(i => i.TeamIds).HasColumnName("team_ids").HasMaxLength(OrganizationColumnLengths.TeamIds).IsRequired();
        builder.Property(i => i.TokenHash).HasColumnName("token_hash").HasMaxLength(AuthColumnLengths.Sha256Hex).IsRequired();
        builder.Property(i => i.InvitedBy).HasColumnName("invited_by");
        builder.Property(i => i.CreatedAt).HasColumnName("created_at");
        builder.Property(i => i.ExpiresAt).HasColumnName("expires_at");
        builder.Property(i => i.AcceptedAt).HasColumnName("accepted_at");
        builder.Property(i => i.AcceptedBy).HasColumnName("accepted_by");
        builder.Property(i => i.RevokedAt).HasColumnName("revoked_at");
        builder.HasIndex(i => i.TokenHash).IsUnique().HasDatabaseName("ix_auth_invitations_token_hash");
        builder.HasIndex(i => new { i.OrganizationId, i.NormalizedEmail }).HasDatabaseName("ix_auth_invitations_organization_id_normalized_email");
        builder.HasOne<OrganizationRecord>().WithMany().HasForeignKey(i => i.OrganizationId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_invitations_auth_organizations_organization_id");
    }
}
