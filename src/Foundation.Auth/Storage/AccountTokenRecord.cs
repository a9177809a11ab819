using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Foundation.Auth.Storage;

/// <summary>
/// A single-use token mailed to a user (<c>auth_account_tokens</c>): a password reset, an e-mail confirmation or the
/// confirmation of a new address. Only the SHA-256 of the token is stored; <see cref="UsedAt"/> is set by one conditional
/// UPDATE, so a token is spent once even when two requests (or two instances) present it together.
/// </summary>
public sealed class AccountTokenRecord
{
    /// <summary>The id (a version 7 GUID).</summary>
    public Guid Id { get; set; }

    /// <summary>The user the token is for.</summary>
    public Guid UserId { get; set; }

    /// <summary>The user's tenant.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>What the token does: <c>password-reset</c>, <c>email-confirmation</c> or <c>email-change</c>.</summary>
    public string Purpose { get; set; } = string.Empty;

    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public string TokenHash { get; set; } = string.Empty;

    /// <summary>The address the token was mailed to and confirms (for confirmations and changes), as given.</summary>
    public string? Email { get; set; }

    /// <summary><see cref="Email"/> normalised.</summary>
    public string? NormalizedEmail { get; set; }

    /// <summary>When it was made.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops working.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was used (or superseded); none while it can still be used.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary><c>auth_account_tokens</c>: unique token_hash; indexed by (user_id, purpose); deleted with their user.</summary>
internal sealed class AccountTokenRecordConfiguration : IEntityTypeConfiguration<AccountTokenRecord>
{
    public const int PurposeLength = 32;

    public void Configure(EntityTypeBuilder<AccountTokenRecord> builder)
    {
        builder.ToTable("auth_account_tokens");
        builder.HasKey(t => t.Id).HasName("pk_auth_account_tokens");
        builder.Property(t => t.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(t => t.UserId).HasColumnName("user_id");
        builder.Property(t => t.TenantId).HasColumnName("tenant_id").HasMaxLength(AuthColumnLengths.TenantId).IsRequired();
        builder.Property(t => t.Purpose).HasColumnName("purpose").HasMaxLength(PurposeLength).IsRequired();
        builder.Property(t => t.TokenHash).HasColumnName("token_hash").HasMaxLength(AuthColumnLengths.Sha256Hex).IsRequired();
        builder.Property(t => t.Email).HasColumnName("email").HasMaxLength(AuthColumnLengths.Email);
        builder.Property(t => t.NormalizedEmail).HasColumnName("normalized_email").HasMaxLength(AuthColumnLengths.Email);
        builder.Property(t => t.CreatedAt).HasColumnName("created_at");
        builder.Property(t => t.ExpiresAt).HasColumnName("expires_at");
        builder.Property(t => t.UsedAt).HasColumnName("used_at");
        builder.HasIndex(t => t.TokenHash).IsUnique().HasDatabaseName("ix_auth_account_tokens_token_hash");
        builder.HasIndex(t => new { t.UserId, t.Purpose }).HasDatabaseName("ix_auth_account_tokens_user_id_purpose");
        builder.HasOne<UserRecord>().WithMany().HasForeignKey(t => t.UserId)
            .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_auth_account_tokens_auth_users_user_id");
    }
}
