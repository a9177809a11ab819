using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using L = Foundation.Storage.Storage.StorageColumnLengths;

namespace Foundation.Storage.Storage;

/// <summary>
/// The Storage store: file metadata, per-tenant usage and the package's settings, in tables prefixed <c>storage_</c>; its migration ids
/// sit in the shared <c>__EFMigrationsHistory</c> table like every other store's (decision 0010). Created and upgraded by hand-written migrations (<see cref="StorageDatabaseMigrator"/>) on SQLite and PostgreSQL.
/// </summary>
public sealed class StorageDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    public StorageDbContext(DbContextOptions<StorageDbContext> options)
        : base(options)
    {
    }

    /// <summary>File metadata.</summary>
    public DbSet<StorageFileEntity> Files => Set<StorageFileEntity>();

    /// <summary>Usage per tenant.</summary>
    public DbSet<StorageUsageEntity> Usage => Set<StorageUsageEntity>();

    /// <summary>Settings.</summary>
    public DbSet<StorageSettingEntity> Settings => Set<StorageSettingEntity>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<StorageFileEntity>(e =>
        {
            e.ToTable("storage_files");
            e.HasKey(x => x.Id).HasName("pk_storage_files");
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(L.Id);
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(L.Name);
            e.Property(x => x.ContentType).HasColumnName("content_type").HasMaxLength(L.ContentType);
            e.Property(x => x.Size).HasColumnName("size");
            e.Property(x => x.Sha256).HasColumnName("sha256").HasMaxLength(L.Sha256);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(L.UserId);
            e.HasIndex(x => new { x.TenantId, x.Id }).HasDatabaseName("ix_storage_files_tenant_id");
        });
        modelBuilder.Entity<StorageUsageEntity>(e =>
        {
            e.ToTable("storage_usage");
            e.HasKey(x => x.TenantId).HasName("pk_storage_usage");
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
            e.Property(x => x.UsedBytes).HasColumnName("used_bytes");
            e.Property(x => x.FileCount).HasColumnName("file_count");
        });
        modelBuilder.Entity<StorageSettingEntity>(e =>
        {
            e.ToTable("storage_settings");
            e.HasKey(x => x.Name).HasName("pk_storage_settings");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(L.SettingName);
            e.Property(x => x.Value).HasColumnName("value").HasMaxLength(L.SettingValue);
        });
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        StoreModel.StoreTimestampsAsUtcTicksOnSqlite(configurationBuilder, Database);
}
