using Foundation.Auth.Storage;

namespace Foundation.Auth.Accounts;

/// <summary>Where a request came from: recorded on sessions and audit events.</summary>
/// <param name="IpAddress">The client address.</param>
/// <param name="UserAgent">The User-Agent header.</param>
/// <param name="RequestId">The correlation id of the request.</param>
public sealed record ClientInfo(string? IpAddress, string? UserAgent, string? RequestId)
{
    /// <summary>No client information (tests, background work).</summary>
    public static ClientInfo None { get; } = new(null, null, null);
}

/// <summary>A new account.</summary>
/// <param name="Email">The email; normalised for uniqueness within the tenant.</param>
/// <param name="Password">The password; checked against the password policy.</param>
/// <param name="TenantId">The tenant; <see langword="null"/> or empty for the default tenant.</param>
public sealed record RegisterRequest(string? Email, string? Password, string? TenantId = null);

/// <summary>A login attempt.</summary>
/// <param name="Email">The email.</param>
/// <param name="Password">The password.</param>
/// <param name="TenantId">The tenant; <see langword="null"/> or empty for the default tenant.</param>
/// <param name="DeviceToken">A remembered-device token that may let the caller skip the second factor.</param>
public sealed record LoginRequest(string? Email, string? Password, string? TenantId = null, string? DeviceToken = null);

/// <summary>The public view of an account.</summary>
/// <param name="Id">The user id.</param>
/// <param name="Email">The email as registered.</param>
/// <param name="TenantId">The tenant (empty for the default tenant).</param>
/// <param name="Roles">The roles.</param>
/// <param name="Status">Active or disabled.</param>
/// <param name="CreatedAt">When the account was created.</param>
/// <param name="LastLoginAt">The last successful login.</param>
/// <param name="TeamId">The user's team in the organisation (<c>ICurrentCaller.TeamId</c>): the team joined first there; <see langword="null"/> when none.</param>
public sealed record UserProfile(
    Guid Id,
    string Email,
    string TenantId,
    IReadOnlyList<string> Roles,
    UserStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastLoginAt,
    Guid? TeamId = null);

/// <summary>The tokens of a session.</summary>
/// <param name="AccessToken">The JWT for <c>Authorization: Bearer</c>.</param>
/// <param name="AccessTokenExpiresAt">When the access token expires.</param>
/// <param name="RefreshToken">The opaque refresh token; usable once.</param>
/// <param name="RefreshTokenExpiresAt">When the refresh token expires.</param>
/// <param name="SessionId">The session.</param>
public sealed record TokenPair(
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    Guid SessionId);

/// <summary>A password that was right, but a second factor is still needed.</summary>
/// <param name="ChallengeToken">Pass it to the second factor's verification; it expires in five minutes.</param>
/// <param name="Methods">The factors that can complete the login, such as <c>totp</c>.</param>
/// <param name="ExpiresAt">When the challenge expires.</param>
public sealed record SecondFactorChallenge(string ChallengeToken, IReadOnlyList<string> Methods, DateTimeOffset ExpiresAt);

/// <summary>The result of a login: tokens, or a second-factor challenge.</summary>
/// <param name="Tokens">The session's tokens, when the login is complete.</param>
/// <param name="Challenge">The challenge, when a second factor is needed.</param>
/// <param name="User">The user (only in-process; never reveal it before the second factor).</param>
public sealed record LoginResult(TokenPair? Tokens, SecondFactorChallenge? Challenge, UserProfile User)
{
    /// <summary>Whether a second factor is needed.</summary>
    public bool SecondFactorRequired => Challenge is not null;
}
