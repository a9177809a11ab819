using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using L = Foundation.Audit.Storage.AuditColumnLengths;

namespace Foundation.Audit.Storage;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEventEntity>
{
    public void Configure(EntityTypeBuilder<AuditEventEntity> b)
    {
        b.ToTable("audit_events");
        b.HasKey(e => e.Id).HasName("pk_audit_events");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.Seq).HasColumnName("seq");
        b.Property(e => e.OccurredAt).HasColumnName("occurred_at");
        b.Property(e => e.ActorType).HasColumnName("actor_type").HasMaxLength(L.ActorType);
        b.Property(e => e.ActorUserId).HasColumnName("actor_user_id").HasMaxLength(L.ActorIdStored);
        b.Property(e => e.ActorApiKeyId).HasColumnName("actor_api_key_id").HasMaxLength(L.ActorId);
        b.Property(e => e.Action).HasColumnName("action").HasMaxLength(L.Action);
        b.Property(e => e.TargetType).HasColumnName("target_type").HasMaxLength(L.TargetType);
        b.Property(e => e.TargetId).HasColumnName("target_id").HasMaxLength(L.TargetId);
        b.Property(e => e.Outcome).HasColumnName("outcome").HasMaxLength(L.Outcome);
        b.Property(e => e.Severity).HasColumnName("severity").HasMaxLength(L.Severity);
        b.Property(e => e.ClientIp).HasColumnName("client_ip").HasMaxLength(L.ClientIpStored);
        b.Property(e => e.UserAgent).HasColumnName("user_agent").HasMaxLength(L.UserAgentStored);
        b.Property(e => e.RequestId).HasColumnName("request_id").HasMaxLength(L.RequestId);
        b.Property(e => e.Details).HasColumnName("details");
        b.Property(e => e.PrevHash).HasColumnName("prev_hash").HasMaxLength(L.Hash);
        b.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(L.Hash);
        b.HasIndex(e => new { e.TenantId, e.Seq }).IsUnique().HasDatabaseName("ix_audit_events_tenant_id_seq");
        b.HasIndex(e => new { e.TenantId, e.OccurredAt }).HasDatabaseName("ix_audit_events_tenant_id_occurred_at");
        b.Ignore(e => e.Personal);
    }
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHeadEntity>
{
    public void Configure(EntityTypeBuilder<AuditChainHeadEntity> b)
    {
        b.ToTable("audit_chain_heads");
        b.HasKey(e => e.TenantId).HasName("pk_audit_chain_heads");
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.LastSeq).HasColumnName("last_seq");
        b.Property(e => e.LastHash).HasColumnName("last_hash").HasMaxLength(L.Hash);
        b.Property(e => e.CheckpointSeq).HasColumnName("checkpoint_seq");
        b.Property(e => e.CheckpointAt).HasColumnName("checkpoint_at");
    }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpointEntity>
{
    public void Configure(EntityTypeBuilder<AuditCheckpointEntity> b)
    {
        b.ToTable("audit_checkpoints");
        b.HasKey(e => e.Id).HasName("pk_audit_checkpoints");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.Seq).HasColumnName("seq");
        b.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(L.Hash);
        b.Property(e => e.CreatedAt).HasColumnName("created_at");
        b.Property(e => e.Kind).HasColumnName("kind").HasMaxLength(L.Kind);
        b.Property(e => e.KeyId).HasColumnName("key_id").HasMaxLength(L.KeyId);
        b.Property(e => e.Signature).HasColumnName("signature").HasMaxLength(L.Signature);
        b.HasIndex(e => new { e.TenantId, e.Seq }).HasDatabaseName("ix_audit_checkpoints_tenant_id_seq");
    }
}

internal sealed class AuditSigningKeyConfiguration : IEntityTypeConfiguration<AuditSigningKeyEntity>
{
    public void Configure(EntityTypeBuilder<AuditSigningKeyEntity> b)
    {
        b.ToTable("audit_signing_keys");
        b.HasKey(e => e.KeyId).HasName("pk_audit_signing_keys");
        b.Property(e => e.KeyId).HasColumnName("key_id").HasMaxLength(L.KeyId);
        b.Property(e => e.ProtectedKey).HasColumnName("protected_key").HasMaxLength(L.ProtectedKey);
        b.Property(e => e.CreatedAt).HasColumnName("created_at");
    }
}

internal sealed class AuditLegalHoldConfiguration : IEntityTypeConfiguration<AuditLegalHoldEntity>
{
    public void Configure(EntityTypeBuilder<AuditLegalHoldEntity> b)
    {
        b.ToTable("audit_legal_holds");
        b.HasKey(e => e.TenantId).HasName("pk_audit_legal_holds");
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.Reason).HasColumnName("reason").HasMaxLength(L.Reason);
        b.Property(e => e.PlacedBy).HasColumnName("placed_by").HasMaxLength(L.ActorId);
        b.Property(e => e.PlacedAt).HasColumnName("placed_at");
    }
}

internal sealed class AuditSubjectKeyConfiguration : IEntityTypeConfiguration<AuditSubjectKeyEntity>
{
    public void Configure(EntityTypeBuilder<AuditSubjectKeyEntity> b)
    {
        b.ToTable("audit_subject_keys");
        b.HasKey(e => e.Id).HasName("pk_audit_subject_keys");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.SubjectId).HasColumnName("subject_id").HasMaxLength(L.ActorId);
        b.Property(e => e.ProtectedKey).HasColumnName("protected_key").HasMaxLength(L.ProtectedKey);
        b.Property(e => e.CreatedAt).HasColumnName("created_at");
        b.HasIndex(e => new { e.TenantId, e.SubjectId }).IsUnique().HasDatabaseName("ix_audit_subject_keys_tenant_id_subject_id");
    }
}

internal sealed class AuditErasureConfiguration : IEntityTypeConfiguration<AuditErasureEntity>
{
    public void Configure(EntityTypeBuilder<AuditErasureEntity> b)
    {
        b.ToTable("audit_gdpr_erasures");
        b.HasKey(e => new { e.TenantId, e.UserId }).HasName("pk_audit_gdpr_erasures");
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.UserId).HasColumnName("user_id").HasMaxLength(L.ActorId);
        b.Property(e => e.RequestedBy).HasColumnName("requested_by").HasMaxLength(L.ActorId);
        b.Property(e => e.RequestedAt).HasColumnName("requested_at");
        b.Property(e => e.CompletedAt).HasColumnName("completed_at");
    }
}

internal sealed class AuditConsentConfiguration : IEntityTypeConfiguration<AuditConsentEntity>
{
    public void Configure(EntityTypeBuilder<AuditConsentEntity> b)
    {
        b.ToTable("audit_consents");
        b.HasKey(e => e.Id).HasName("pk_audit_consents");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.UserId).HasColumnName("user_id").HasMaxLength(L.ActorId);
        b.Property(e => e.Purpose).HasColumnName("purpose").HasMaxLength(L.Purpose);
        b.Property(e => e.Version).HasColumnName("version").HasMaxLength(L.ConsentVersion);
        b.Property(e => e.Granted).HasColumnName("granted");
        b.Property(e => e.RecordedAt).HasColumnName("recorded_at");
        b.HasIndex(e => new { e.TenantId, e.UserId, e.RecordedAt }).HasDatabaseName("ix_audit_consents_tenant_id_user_id_recorded_at");
    }
}
