using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Foundation.Auth.Totp.Storage;

/// <summary>The column sizes of the TOTP tables, shared by the model and the migrations.</summary>
internal static class TotpColumnLengths
{
    public const int TenantId = 64;
    public const int Algorithm = 16;
    public const int Status = 16;
    public const int Sha256Hex = 64;
    public const int DeviceName = 100;
    public const int UserAgent = 512;
}

/// <summary><c>totp_enrollments</c>: one row per user; status stored as <c>pending</c> or <c>enabled</c>.</summary>
internal sealed class TotpEnrollmentRecordConfiguration : IEntityTypeConfiguration<TotpEnrollmentRecord>
{
    public void Configure(EntityTypeBuilder<TotpEnrollmentRecord> builder)
    {
        builder.ToTable("totp_enrollments");
        builder.HasKey(e => e.UserId).HasName("pk_totp_enrollments");
        builder.Property(e => e.UserId).HasColumnName("user_id").ValueGeneratedNever();
        builder.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(TotpColumnLengths.TenantId).IsRequired();
        builder.Property(e => e.ProtectedSecret).HasColumnName("protected_secret").IsRequired();
        builder.Property(e => e.Algorithm).HasColumnName("algorithm").HasMaxLength(TotpColumnLengths.Algorithm).HasConversion<string>();
        builder.Property(e => e.Digits).HasColumnName("digits");
        builder.Property(e => e.PeriodSeconds).HasColumnName("period");
        builder.Property(e => e.Status).HasColumnName("status").HasMaxLength(TotpColumnLengths.Status)
            .HasConversion(v => v == TotpEnrollmentStatus.Enabled ? "enabled" : "pending", v => v == "enabled" ? TotpEnrollmentStatus.Enabled : TotpEnrollmentStatus.Pending);
        builder.Property(e => e.CreatedAt).HasColumnName("created_at");
        builder.Property(e => e.PendingExpiresAt).HasColumnName("pending_expires_at");
        builder.Property(e => e.EnabledAt).HasColumnName("enabled_at");
        builder.Property(e => e.LastUsedTimeStep).HasColumnName("last_used_time_step");
        builder.Property(e => e.FailedCount).HasColumnName("failed_count");
        builder.Property(e => e.FailureWindowStartedAt).HasColumnName("failure_window_started_at");
        builder.Property(e => e.BlockedUntil).HasColumnName("blocked_until");
    }
}

/// <summary><c>totp_recovery_codes</c>: unique (user_id, code_hash); deleted with their enrolment.</summary>
internal sealed class TotpRecoveryCodeRecordConfiguration : IEntityTypeConfiguration<TotpRecoveryCodeRecord>
{
    public void Configure(EntityTypeBuilder<TotpRecoveryCodeRecord> builder)
    {
        builder.ToTable("totp_recovery_codes");
        builder.HasKey(c => c.Id).HasName("pk_totp_recovery_codes");
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(c => c.UserId).HasColumnName("user_id");
        builder.Property(c => c.CodeHash).HasColumnName("code_hash").HasMaxLength(TotpColumnLengths.Sha256Hex).IsRequired();
        builder.Property(c => c.UsedAt).HasColumnName("used_at");
        builder.HasIndex(c => new { c.UserId, c.CodeHash }).IsUnique().HasDatabaseName("ix_totp_recovery_codes_user_id_code_hash");
        builder.HasOne<TotpEnrollmentRecord>().WithMany().HasForeignKey(c => c.UserId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_totp_recovery_codes_totp_enrollments_user_id");
    }
}

/// <summary>
/// <c>totp_trusted_devices</c>: unique token_hash, indexed by (user_id, expires_at); deleted with their enrolment, so
/// disabling TOTP forgets every trusted device.
/// </summary>
internal sealed class TotpTrustedDeviceRecordConfiguration : IEntityTypeConfiguration<TotpTrustedDeviceRecord>
{
    public void Configure(EntityTypeBuilder<TotpTrustedDeviceRecord> builder)
    {
        builder.ToTable("totp_trusted_devices");
        builder.HasKey(d => d.Id).HasName("pk_totp_trusted_devices");
        builder.Property(d => d.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(d => d.UserId).HasColumnName("user_id");
        builder.Property(d => d.TenantId).HasColumnName("tenant_id").HasMaxLength(TotpColumnLengths.TenantId).IsRequired();
        builder.Property(d => d.TokenHash).HasColumnName("token_hash").HasMaxLength(TotpColumnLengths.Sha256Hex).IsRequired();
        builder.Property(d => d.Name).HasColumnName("name").HasMaxLength(TotpColumnLengths.DeviceName).IsRequired();
        builder.Property(d => d.UserAgent).HasColumnName("user_agent").HasMaxLength(TotpColumnLengths.UserAgent);
        builder.Property(d => d.CreatedAt).HasColumnName("created_at");
        builder.Property(d => d.LastUsedAt).HasColumnName("last_used_at");
        builder.Property(d => d.ExpiresAt).HasColumnName("expires_at");
        builder.HasIndex(d => d.TokenHash).IsUnique().HasDatabaseName("ix_totp_trusted_devices_token_hash");
        builder.HasIndex(d => new { d.UserId, d.ExpiresAt }).HasDatabaseName("ix_totp_trusted_devices_user_id_expires_at");
        builder.HasOne<TotpEnrollmentRecord>().WithMany().HasForeignKey(d => d.UserId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_totp_trusted_devices_totp_enrollments_user_id");
    }
}
