using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Foundation.Auth.Storage;

/// <summary>The column sizes of the organisation tables, shared by the model and the migration.</summary>
internal static class OrganizationColumnLengths
{
    public const int Name = 200;
    public const int Slug = 64;
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
