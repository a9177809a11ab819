using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Foundation.Auth.Storage;

/// <summary>The column sizes of the Auth tables, shared by the model and the migrations.</summary>
internal static class AuthColumnLengths
{
    public const int TenantId = 64;
    public const int Email = 320;
    public const int PasswordHash = 512;
    public const int Roles = 512;
    public const int SecurityStamp = 64;
    public const int RevokedReason = 64;
    public const int IpAddress = 64;
    public const int UserAgent = 512;
    public const int Browser = 64;
    public const int OperatingSystem = 64;
    public const int DeviceType = 16;
    public const int Sha256Hex = 64;
    public const int ApiKeyName = 100;
    public const int ApiKeyId = 32;
    public const int Scopes = 1400;
    public const int SigningKeyId = 64;
    public const int Algorithm = 16;
}

/// <summary><c>auth_users</c>: unique (tenant_id, normalized_email); the security stamp is the optimistic concurrency token.</summary>
internal sealed class UserRecordConfiguration : IEntityTypeConfiguration<UserRecord>
{
    public void Configure(EntityTypeBuilder<UserRecord> builder)
    {
        builder.ToTable("auth_users");
        builder.HasKey(u => u.Id).HasName("pk_auth_users");
        builder.Property(u => u.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(u => u.TenantId).HasColumnName("tenant_id").HasMaxLength(AuthColumnLengths.TenantId).IsRequired();
        builder.Property(u => u.Email).HasColumnName("email").HasMaxLength(AuthColumnLengths.Email).IsRequired();
        builder.Property(u => u.NormalizedEmail).HasColumnName("normalized_email").HasMaxLength(AuthColumnLengths.Email).IsRequired();
        builder.Property(u => u.PasswordHash).HasColumnName("password_hash").HasMaxLength(AuthColumnLengths.PasswordHash).IsRequired();
        builder.Property(u => u.Status).HasColumnName("status");
        builder.Property(u => u.Roles).HasColumnName("roles").HasMaxLength(AuthColumnLengths.Roles).IsRequired();

        // An update computed from a user read under an older stamp (a login racing a password change or a disable)
        // fails with DbUpdateConcurrencyException instead of silently winning.
        builder.Property(u => u.SecurityStamp).HasColumnName("security_stamp").HasMaxLength(AuthColumnLengths.SecurityStamp).IsRequired().IsConcurrencyToken();
        builder.Property(u => u.CreatedAt).HasColumnName("created_at");
        builder.Property(u => u.LastLoginAt).HasColumnName("last_login_at");
        builder.Property(u => u.FailedLoginCount).HasColumnName("failed_login_count");
        builder.Property(u => u.LockoutEndsAt).HasColumnName("lockout_ends_at");
        builder.Property(u => u.EmailConfirmedAt).HasColumnName("email_confirmed_at");
        builder.HasIndex(u => new { u.TenantId, u.NormalizedEmail }).IsUnique().HasDatabaseName("ix_auth_users_tenant_id_normalized_email");
    }
}

/// <summary><c>auth_sessions</c>: indexed by (user_id, tenant_id) and by expires_at; deleted with their user.</summary>
internal sealed class SessionRecordConfiguration : IEntityTypeConfiguration<SessionRecord>
{
    public void Configure(EntityTypeBuilder<SessionRecord> builder)
    {
        builder.ToTable("auth_sessions");
        builder.HasKey(s => s.Id).HasName("pk_auth_sessions");
        builder.Property(s => s.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(s => s.UserId).HasColumnName("user_id");
        builder.Property(s => s.TenantId).HasColumnName("tenant_id").HasMaxLength(AuthColumnLengths.TenantId).IsRequired();
        builder.Property(s => s.CreatedAt).HasColumnName("created_at");
        builder.Property(s => s.LastSeenAt).HasColumnName("last_seen_at");
        builder.Property(s => s.ExpiresAt).HasColumnName("expires_at");
        builder.Property(s => s.RevokedAt).HasColumnName("revoked_at");
        builder.Property(s => s.RevokedReason).HasColumnName("revoked_reason").HasMaxLength(AuthColumnLengths.RevokedReason);
        builder.Property(s => s.IpAddress).HasColumnName("ip_address").HasMaxLength(AuthColumnLengths.IpAddress);
        builder.Property(s => s.UserAgent).HasColumnName("user_agent").HasMaxLength(AuthColumnLengths.UserAgent);
        builder.Property(s => s.Browser).HasColumnName("browser").HasMaxLength(AuthColumnLengths.Browser);
        builder.Property(s => s.OperatingSystem).HasColumnName("operating_system").HasMaxLength(AuthColumnLengths.OperatingSystem);
        builder.Property(s => s.DeviceType).HasColumnName("device_type").HasMaxLength(AuthColumnLengths.DeviceType);
        builder.Property(s => s.SecondFactorVerifiedAt).HasColumnName("second_factor_verified_at");
        builder.HasIndex(s => new { s.UserId, s.TenantId }).HasDatabaseName("ix_auth_sessions_user_id_tenant_id");
        builder.HasIndex(s => s.ExpiresAt).HasDatabaseName("ix_auth_sessions_expires_at");
        builder.HasOne<UserRecord>().WithMany().HasForeignKey(s => s.UserId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_sessions_auth_users_user_id");
    }
}

/// <summary><c>auth_refresh_tokens</c>: unique token_hash; deleted with their session.</summary>
internal sealed class RefreshTokenRecordConfiguration : IEntityTypeConfiguration<RefreshTokenRecord>
{
    public void Configure(EntityTypeBuilder<RefreshTokenRecord> builder)
    {
        builder.ToTable("auth_refresh_tokens");
        builder.HasKey(t => t.Id).HasName("pk_auth_refresh_tokens");
        builder.Property(t => t.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(t => t.SessionId).HasColumnName("session_id");
        builder.Property(t => t.TokenHash).HasColumnName("token_hash").HasMaxLength(AuthColumnLengths.Sha256Hex).IsRequired();
        builder.Property(t => t.CreatedAt).HasColumnName("created_at");
        builder.Property(t => t.ExpiresAt).HasColumnName("expires_at");
        builder.Property(t => t.UsedAt).HasColumnName("used_at");
        builder.Property(t => t.ReuseAllowedUntil).HasColumnName("reuse_allowed_until");
        builder.HasIndex(t => t.TokenHash).IsUnique().HasDatabaseName("ix_auth_refresh_tokens_token_hash");
        builder.HasIndex(t => t.SessionId).HasDatabaseName("ix_auth_refresh_tokens_session_id");
        builder.HasOne<SessionRecord>().WithMany().HasForeignKey(t => t.SessionId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_refresh_tokens_auth_sessions_session_id");
    }
}

/// <summary><c>auth_api_keys</c>: unique key_id; indexed by (user_id, tenant_id); deleted with their owner.</summary>
internal sealed class ApiKeyRecordConfiguration : IEntityTypeConfiguration<ApiKeyRecord>
{
    public void Configure(EntityTypeBuilder<ApiKeyRecord> builder)
    {
        builder.ToTable("auth_api_keys");
        builder.HasKey(k => k.Id).HasName("pk_auth_api_keys");
        builder.Property(k => k.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(k => k.TenantId).HasColumnName("tenant_id").HasMaxLength(AuthColumnLengths.TenantId).IsRequired();
        builder.Property(k => k.UserId).HasColumnName("user_id");
        builder.Property(k => k.Name).HasColumnName("name").HasMaxLength(AuthColumnLengths.ApiKeyName).IsRequired();
        builder.Property(k => k.KeyId).HasColumnName("key_id").HasMaxLength(AuthColumnLengths.ApiKeyId).IsRequired();
        builder.Property(k => k.SecretHash).HasColumnName("secret_hash").HasMaxLength(AuthColumnLengths.Sha256Hex).IsRequired();
        builder.Property(k => k.Scopes).HasColumnName("scopes").HasMaxLength(AuthColumnLengths.Scopes).IsRequired();
        builder.Property(k => k.CreatedAt).HasColumnName("created_at");
        builder.Property(k => k.ExpiresAt).HasColumnName("expires_at");
        builder.Property(k => k.IsActive).HasColumnName("is_active");
        builder.Property(k => k.LastUsedAt).HasColumnName("last_used_at");
        builder.Property(k => k.UseCount).HasColumnName("use_count");
        builder.HasIndex(k => k.KeyId).IsUnique().HasDatabaseName("ix_auth_api_keys_key_id");
        builder.HasIndex(k => new { k.UserId, k.TenantId }).HasDatabaseName("ix_auth_api_keys_user_id_tenant_id");
        builder.HasOne<UserRecord>().WithMany().HasForeignKey(k => k.UserId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_api_keys_auth_users_user_id");
    }
}

/// <summary><c>auth_signing_keys</c>, keyed by the <c>kid</c>.</summary>
internal sealed class SigningKeyRecordConfiguration : IEntityTypeConfiguration<SigningKeyRecord>
{
    public void Configure(EntityTypeBuilder<SigningKeyRecord> builder)
    {
        builder.ToTable("auth_signing_keys");
        builder.HasKey(k => k.KeyId).HasName("pk_auth_signing_keys");
        builder.Property(k => k.KeyId).HasColumnName("key_id").HasMaxLength(AuthColumnLengths.SigningKeyId).ValueGeneratedNever();
        builder.Property(k => k.Algorithm).HasColumnName("algorithm").HasMaxLength(AuthColumnLengths.Algorithm).IsRequired();
        builder.Property(k => k.ProtectedKey).HasColumnName("protected_key").IsRequired();
        builder.Property(k => k.CreatedAt).HasColumnName("created_at");
        builder.Property(k => k.RetiredAt).HasColumnName("retired_at");
        builder.Property(k => k.ValidUntil).HasColumnName("valid_until");
    }
}
