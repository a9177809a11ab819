using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using L = Foundation.FeatureFlags.Storage.FeatureFlagColumnLengths;

namespace Foundation.FeatureFlags.Storage;

/// <summary>
/// The FeatureFlags store: each organisation's flags in <c>feature_flags</c>; its migration ids sit in the shared
/// <c>__EFMigrationsHistory</c> table like every other store's (decision 0010). Created and upgraded by hand-written migrations
/// (<see cref="FeatureFlagsDatabaseMigrator"/>) on SQLite and PostgreSQL.
/// </summary>
public sealed class FeatureFlagsDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    public FeatureFlagsDbContext(DbContextOptions<FeatureFlagsDbContext> options)
        : base(options)
    {
    }

    /// <summary>The flags.</summary>
    public DbSet<FeatureFlagEntity> Flags => Set<FeatureFlagEntity>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<FeatureFlagEntity>(e =>
        {
            e.ToTable("feature_flags");
            e.HasKey(x => x.Id).HasName("pk_feature_flags");
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(L.Id);
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(L.Name);
            e.Property(x => x.NameKey).HasColumnName("name_key").HasMaxLength(L.Name);
            e.Property(x => x.Description).HasColumnName("description").HasMaxLength(L.Description);
            e.Property(x => x.Enabled).HasColumnName("enabled");
            e.Property(x => x.RolloutPercentage).HasColumnName("rollout_percentage");
            e.Property(x => x.Audience).HasColumnName("audience");
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.UpdatedBy).HasColumnName("updated_by").HasMaxLength(L.UserId);
            e.HasIndex(x => new { x.TenantId, x.NameKey }).IsUnique().HasDatabaseName("ux_feature_flags_tenant_name");
        });
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        StoreModel.StoreTimestampsAsUtcTicksOnSqlite(configurationBuilder, Database);
}
