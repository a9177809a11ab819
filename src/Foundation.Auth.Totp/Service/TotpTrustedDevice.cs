namespace Foundation.Auth.Totp;

/// <summary>A trusted ("remembered") device as the user sees it; never its token.</summary>
/// <param name="Id">The id, for revoking it.</param>
/// <param name="Name">The name sent when it was trusted, or one derived from its user agent.</param>
/// <param name="CreatedAt">When it was trusted.</param>
/// <param name="LastUsedAt">When it last skipped the second factor.</param>
/// <param name="ExpiresAt">When the trust ends.</param>
public sealed record TotpTrustedDevice(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset ExpiresAt);
