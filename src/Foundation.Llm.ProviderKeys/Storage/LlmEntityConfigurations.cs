using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Foundation.Llm.Routing.Storage;

/// <summary>The column sizes of the <c>llm_</c> tables, shared by the model, the migrations and the validation.</summary>
internal static class LlmColumnLengths
{
    public const int TenantId = 64;
    public const int UserId = 64;
    public const int Provider = 16;
    public const int Name = 100;
    public const int BaseUrl = 2048;
    public const int KeyHint = 32;
    public const int TestMessage = 500;
}

/// <summary><c>llm_provider_keys</c>: looked up by (tenant_id, owner_user_id, provider).</summary>
internal sealed class ProviderKeyRecordConfiguration : IEntityTypeConfiguration<ProviderKeyRecord>
{
    public void Configure(EntityTypeBuilder<ProviderKeyRecord> builder)
    {
        builder.ToTable("llm_provider_keys");
        builder.HasKey(k => k.Id).HasName("pk_llm_provider_keys");
        builder.Property(k => k.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(k => k.TenantId).HasColumnName("tenant_id").HasMaxLength(LlmColumnLengths.TenantId).IsRequired();
        builder.Property(k => k.OwnerUserId).HasColumnName("owner_user_id").HasMaxLength(LlmColumnLengths.UserId);
        builder.Property(k => k.Provider).HasColumnName("provider").HasMaxLength(LlmColumnLengths.Provider)
            .HasConversion(v => ProviderKeyTypes.ToStored(v), v => ProviderKeyTypes.FromStored(v));
        builder.Property(k => k.Name).HasColumnName("name").HasMaxLength(LlmColumnLengths.Name).IsRequired();
        builder.Property(k => k.ProtectedKey).HasColumnName("protected_key").IsRequired();
        builder.Property(k => k.BaseUrl).HasColumnName("base_url").HasMaxLength(LlmColumnLengths.BaseUrl);
        builder.Property(k => k.KeyHint).HasColumnName("key_hint").HasMaxLength(LlmColumnLengths.KeyHint).IsRequired();
        builder.Property(k => k.CreatedAt).HasColumnName("created_at");
        builder.Property(k => k.UpdatedAt).HasColumnName("updated_at");
        builder.Property(k => k.LastUsedAt).HasColumnName("last_used_at");
        builder.Property(k => k.LastTestedAt).HasColumnName("last_tested_at");
        builder.Property(k => k.LastTestOk).HasColumnName("last_test_ok");
        builder.Property(k => k.LastTestMessage).HasColumnName("last_test_message").HasMaxLength(LlmColumnLengths.TestMessage);
        builder.HasIndex(k => new { k.TenantId, k.OwnerUserId, k.Provider }).HasDatabaseName("ix_llm_provider_keys_tenant_id_owner_user_id_provider");
    }
}
