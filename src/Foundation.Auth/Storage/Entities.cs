using System.Text.Json.Serialization;

namespace Foundation.Auth.Storage;

/// <summary>The state of an account; in JSON <c>"active"</c> or <c>"disabled"</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UserStatus>))]
public enum UserStatus
{
    /// <summary>May sign in.</summary>
    [JsonStringEnumMemberName("active")]
    Active = 0,

    /// <summary>May not sign in; every session and token of the user is revoked.</summary>
    [JsonStringEnumMemberName("disabled")]
    Disabled = 1,
}

/// <summary>A user account (<c>auth_users</c>). The email is unique per tenant.</summary>
public sealed class UserRecord
{
    /// <summary>The user id (a version 7 GUID).</summary>
    public Guid Id { get; set; }

    /// <summary>The tenant the account belongs to. The empty string is the default tenant.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The email as given (trimmed).</summary>
    public string Email { get; set; } = string.Empty;

    /// <summary>The email normalised for lookups and uniqueness (NFKC, trimmed, lower-case invariant).</summary>
    public string NormalizedEmail { get; set; } = string.Empty;

    /// <summary>The self-describing password hash.</summary>
    public string PasswordHash { get; set; } = string.Empty;

    /// <summary>Active or disabled.</summary>
    public UserStatus Status { get; set; }

    /// <summary>The roles, space separated, lower-case (for example <c>admin member</c>).</summary>
    public string Roles { get; set; } = string.Empty;

    /// <summary>Changes whenever every outstanding token must die: password change, disable, "log out everywhere".</summary>
    public string SecurityStamp { get; set; } = string.Empty;

    /// <summary>When the account was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The last successful login.</summary>
    public DateTimeOffset? LastLoginAt { get; set; }

    /// <summary>Consecutive failed logins since the last success or lockout.</summary>
    public int FailedLoginCount { get; set; }

    /// <summary>Until when logins are refused, if locked out.</summary>
    public DateTimeOffset? LockoutEndsAt { get; set; }

    /// <summary>When the user proved they receive mail at <see cref="Email"/> (a confirmation or password-reset link); none if never.</summary>
    public DateTimeOffset? EmailConfirmedAt { get; set; }
}

/// <summary>A session (<c>auth_sessions</c>): one login on one device, and the family of its refresh tokens.</summary>
public sealed class SessionRecord
{
    /// <summary>The session id (a version 7 GUID); the <c>sid</c> claim of its access tokens.</summary>
    public Guid Id { get; set; }

    /// <summary>The user.</summary>
    public Guid UserId { get; set; }

    /// <summary>The user's tenant (denormalised so every query can be tenant-scoped).</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>When the session began.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was last used (login or refresh).</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>When it ends unless refreshed: the expiry of its newest refresh token.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Why it was revoked: <c>logout</c>, <c>revoked</c>, <c>password-changed</c>, <c>refresh-token-reuse</c>, ...</summary>
    public string? RevokedReason { get; set; }

    /// <summary>The client address at login.</summary>
    public string? IpAddress { get; set; }

    /// <summary>The User-Agent at login (at most 512 characters).</summary>
    public string? UserAgent { get; set; }

    /// <summary>The browser parsed from the User-Agent, such as <c>Chrome 131</c>.</summary>
    public string? Browser { get; set; }

    /// <summary>The operating system parsed from the User-Agent, such as <c>Windows 10</c>.</summary>
    public string? OperatingSystem { get; set; }

    /// <summary><c>desktop</c>, <c>mobile</c>, <c>tablet</c>, <c>bot</c> or <c>other</c>.</summary>
    public string? DeviceType { get; set; }

    /// <summary>When a second factor was last verified in this session, if ever.</summary>
    public DateTimeOffset? SecondFactorVerifiedAt { get; set; }
}

/// <summary>A refresh token (<c>auth_refresh_tokens</c>), stored only as its SHA-256 hash.</summary>
public sealed class RefreshTokenRecord
{
    /// <summary>The record id.</summary>
    public Guid Id { get; set; }

    /// <summary>The session (token family).</summary>
    public Guid SessionId { get; set; }

    /// <summary>SHA-256 of the token, lower-case hex. Unique.</summary>
    public string TokenHash { get; set; } = string.Empty;

    /// <summary>When it was issued.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops being accepted.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was exchanged for a new one (or retired by a password change); a token is rotated at most once.</summary>
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>
    /// Until when, after its rotation, presenting it again yields a fresh pair of the same session instead of revoking
    /// the session (<see cref="TokenOptions.RefreshReuseInterval"/>, fixed at rotation); <see langword="null"/> when the
    /// interval was off or the token was retired otherwise (a password change).
    /// </summary>
    public DateTimeOffset? ReuseAllowedUntil { get; set; }
}

/// <summary>An API key (<c>auth_api_keys</c>): <c>fnd_{keyId}_{secret}</c>, stored as its key id and the SHA-256 of its secret.</summary>
public sealed class ApiKeyRecord
{
    /// <summary>The record id (a version 7 GUID).</summary>
    public Guid Id { get; set; }

    /// <summary>The owner's tenant.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The owner; the key acts as this user, limited to its scopes.</summary>
    public Guid UserId { get; set; }

    /// <summary>A name the owner chose.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The public part of the key, unique: how a presented key is looked up.</summary>
    public string KeyId { get; set; } = string.Empty;

    /// <summary>SHA-256 of the secret part, lower-case hex.</summary>
    public string SecretHash { get; set; } = string.Empty;

    /// <summary>Scopes, space separated; empty means every scope of the owner.</summary>
    public string Scopes { get; set; } = string.Empty;

    /// <summary>When it was made.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops being accepted, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Whether it is accepted (owners can deactivate and reactivate).</summary>
    public bool IsActive { get; set; } = true;

    /// <summary>When it was last accepted.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>How many times it was accepted.</summary>
    public long UseCount { get; set; }
}

/// <summary>A token-signing key (<c>auth_signing_keys</c>); the key material is encrypted with the secret protector.</summary>
public sealed class SigningKeyRecord
{
    /// <summary>The <c>kid</c> header of tokens it signs.</summary>
    public string KeyId { get; set; } = string.Empty;

    /// <summary><c>HS256</c>, <c>ES256</c> or <c>RS256</c>.</summary>
    public string Algorithm { get; set; } = string.Empty;

    /// <summary>The key material (symmetric bytes or PKCS#8 private key), protected by <c>ISecretProtector</c>.</summary>
    public string ProtectedKey { get; set; } = string.Empty;

    /// <summary>When it was made.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stopped signing new tokens; it keeps validating until <see cref="ValidUntil"/>.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    /// <summary>When it stops validating (retirement plus the longest access-token lifetime).</summary>
    public DateTimeOffset? ValidUntil { get; set; }
}
