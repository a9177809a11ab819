using System.Text.Json.Serialization;
using Foundation.Auth.Accounts;

namespace Foundation.Auth.Http;

/// <summary><c>POST /api/v1/auth/register</c>.</summary>
/// <param name="Email">The email.</param>
/// <param name="Password">The password.</param>
/// <param name="Tenant">The tenant; omitted for the default tenant.</param>
public sealed record RegisterBody(string? Email, string? Password, string? Tenant);

/// <summary><c>POST /api/v1/auth/login</c>.</summary>
/// <param name="Email">The email.</param>
/// <param name="Password">The password.</param>
/// <param name="Tenant">The tenant; omitted for the default tenant.</param>
/// <param name="DeviceToken">
/// A remembered-device token (from <c>POST /api/v1/totp/verify</c> with <c>rememberDevice</c>), if the client has one: a
/// trusted device skips the second factor. The <c>X-Device-Token</c> header is accepted instead.
/// </param>
public sealed record LoginBody(string? Email, string? Password, string? Tenant, string? DeviceToken);

/// <summary><c>POST /api/v1/auth/refresh</c>.</summary>
/// <param name="RefreshToken">The refresh token from the last login or refresh.</param>
public sealed record RefreshBody(string? RefreshToken);

/// <summary><c>POST /api/v1/auth/password</c>.</summary>
/// <param name="CurrentPassword">The current password.</param>
/// <param name="NewPassword">The new password.</param>
public sealed record ChangePasswordBody(string? CurrentPassword, string? NewPassword);

/// <summary>The tokens of a session, as answered by login, refresh, second-factor verification and password change.</summary>
public sealed record TokenResponse
{
    /// <summary>The JWT for <c>Authorization: Bearer</c>.</summary>
    public required string AccessToken { get; init; }

    /// <summary>Always <c>Bearer</c>.</summary>
    public string TokenType { get; init; } = "Bearer";

    /// <summary>Seconds until the access token expires.</summary>
    public required long ExpiresIn { get; init; }

    /// <summary>When the access token expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The refresh token: usable once, for <c>POST /api/v1/auth/refresh</c>.</summary>
    public required string RefreshToken { get; init; }

    /// <summary>When the refresh token expires.</summary>
    public required DateTimeOffset RefreshTokenExpiresAt { get; init; }

    /// <summary>The session.</summary>
    public required Guid SessionId { get; init; }

    /// <summary>Makes the answer from a <see cref="TokenPair"/>.</summary>
    public static TokenResponse From(TokenPair tokens, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new TokenResponse
        {
            AccessToken = tokens.AccessToken,
            ExpiresIn = (long)Math.Max(0, (tokens.AccessTokenExpiresAt - now).TotalSeconds),
            ExpiresAt = tokens.AccessTokenExpiresAt,
            RefreshToken = tokens.RefreshToken,
            RefreshTokenExpiresAt = tokens.RefreshTokenExpiresAt,
            SessionId = tokens.SessionId,
        };
    }
}

/// <summary>The answer of a login that needs a second factor.</summary>
/// <param name="ChallengeToken">Send it with the second factor (for TOTP: <c>POST /api/v1/totp/verify</c>).</param>
/// <param name="Methods">The factors that can complete the login.</param>
/// <param name="ExpiresAt">When the challenge expires.</param>
public sealed record SecondFactorResponse(string ChallengeToken, IReadOnlyList<string> Methods, DateTimeOffset ExpiresAt)
{
    /// <summary>Always <see langword="true"/>: tokens come after the second factor.</summary>
    [JsonPropertyOrder(-1)]
    public bool SecondFactorRequired => true;
}
