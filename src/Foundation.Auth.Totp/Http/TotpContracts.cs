using System.Text.Json.Serialization;
using Foundation.Auth.Http;

namespace Foundation.Auth.Totp.Http;

/// <summary><c>POST /api/v1/totp/enable</c> and <c>POST /api/v1/totp/backup-codes</c>.</summary>
/// <param name="Code">The current code from the authenticator app.</param>
public sealed record TotpCodeBody(string? Code);

/// <summary><c>POST /api/v1/totp/verify</c>: a code or a recovery code, with the login's challenge token when signing in.</summary>
/// <param name="ChallengeToken">The challenge token of the login answer; omitted for a step-up verification of a signed-in user.</param>
/// <param name="Code">A code from the authenticator app.</param>
/// <param name="RecoveryCode">A recovery code, instead of <paramref name="Code"/>.</param>
/// <param name="RememberDevice">With <paramref name="ChallengeToken"/>: trust this device, so logins from it skip the code (the answer carries a <c>deviceToken</c>).</param>
/// <param name="DeviceName">A name for the remembered device (at most 100 characters); by default one derived from the User-Agent.</param>
public sealed record TotpVerifyBody(string? ChallengeToken, string? Code, string? RecoveryCode, bool? RememberDevice = null, string? DeviceName = null);

/// <summary><c>POST /api/v1/totp/disable</c>.</summary>
/// <param name="Code">A code from the authenticator app.</param>
/// <param name="RecoveryCode">A recovery code, instead of <paramref name="Code"/>.</param>
/// <param name="Password">The account's password.</param>
public sealed record TotpDisableBody(string? Code, string? RecoveryCode, string? Password);

/// <summary>The answer of <c>POST /api/v1/totp/setup</c>.</summary>
/// <param name="Secret">The secret in Base32, for typing into the app.</param>
/// <param name="OtpAuthUri">The <c>otpauth://totp/</c> URI.</param>
/// <param name="QrCodePng">The QR code of the URI as a <c>data:image/png;base64,</c> URI.</param>
/// <param name="ExpiresAt">When the setup can no longer be confirmed with <c>POST /api/v1/totp/enable</c>.</param>
public sealed record TotpSetupResponse(string Secret, [property: JsonPropertyName("otpauthUri")] string OtpAuthUri, string QrCodePng, DateTimeOffset ExpiresAt);

/// <summary>New recovery codes, shown this once.</summary>
/// <param name="RecoveryCodes">The codes, formatted <c>XXXXX-XXXXX</c>.</param>
public sealed record TotpRecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>The answer of a step-up verification.</summary>
/// <param name="Verified">Always <see langword="true"/> (a refused code is a problem answer).</param>
/// <param name="RecoveryCodesLeft">How many unused recovery codes are left.</param>
/// <param name="RecoveryCodesLow">Whether the user should generate new recovery codes (2 or fewer left).</param>
public sealed record TotpStepUpResponse(bool Verified, int RecoveryCodesLeft, bool RecoveryCodesLow);

/// <summary>The answer of <c>GET /api/v1/totp/status</c>.</summary>
/// <param name="Enabled">Whether TOTP is enabled.</param>
/// <param name="Since">When it was enabled.</param>
/// <param name="RecoveryCodesLeft">How many unused recovery codes are left.</param>
/// <param name="RecoveryCodesLow">Whether the user should generate new recovery codes (2 or fewer left).</param>
/// <param name="TrustedDevices">The unexpired remembered devices, oldest first (never their tokens).</param>
public sealed record TotpStatusResponse(bool Enabled, DateTimeOffset? Since, int RecoveryCodesLeft, bool RecoveryCodesLow, IReadOnlyList<TotpTrustedDeviceResponse> TrustedDevices);

/// <summary>A trusted device in <c>GET /api/v1/totp/status</c>.</summary>
/// <param name="Id">The id, for <c>DELETE /api/v1/totp/trusted-devices/{id}</c>.</param>
/// <param name="Name">The device's name.</param>
/// <param name="CreatedAt">When it was trusted.</param>
/// <param name="LastUsedAt">When a login from it last skipped the code.</param>
/// <param name="ExpiresAt">When the trust ends.</param>
public sealed record TotpTrustedDeviceResponse(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>Copies <paramref name="device"/>.</summary>
    public static TotpTrustedDeviceResponse From(TotpTrustedDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new TotpTrustedDeviceResponse(device.Id, device.Name, device.CreatedAt, device.LastUsedAt, device.ExpiresAt);
    }
}

/// <summary>The answer of <c>DELETE /api/v1/totp/trusted-devices</c>.</summary>
/// <param name="Revoked">How many devices were revoked.</param>
public sealed record TotpTrustedDevicesRevokedResponse(int Revoked);

/// <summary>The answer of a login completed with TOTP: the tokens, and how many recovery codes are left.</summary>
public sealed record TotpTokenResponse
{
    /// <summary>The JWT for <c>Authorization: Bearer</c>.</summary>
    public required string AccessToken { get; init; }

    /// <summary>Always <c>Bearer</c>.</summary>
    public required string TokenType { get; init; }

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

    /// <summary>How many unused recovery codes are left.</summary>
    public required int RecoveryCodesLeft { get; init; }

    /// <summary>Whether the user should generate new recovery codes (2 or fewer left).</summary>
    public required bool RecoveryCodesLow { get; init; }

    /// <summary>
    /// With <c>rememberDevice</c>: the device token, shown this once. Send it at login (<c>deviceToken</c>) to skip the
    /// code on this device. Absent otherwise.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceToken { get; init; }

    /// <summary>With <c>rememberDevice</c>: the remembered device's id.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? DeviceId { get; init; }

    /// <summary>With <c>rememberDevice</c>: when the device token stops working.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DeviceTokenExpiresAt { get; init; }

    /// <summary>Adds the recovery-code counts to <paramref name="tokens"/>.</summary>
    public static TotpTokenResponse From(TokenResponse tokens, int recoveryCodesLeft, bool recoveryCodesLow)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new TotpTokenResponse
        {
            AccessToken = tokens.AccessToken,
            TokenType = tokens.TokenType,
            ExpiresIn = tokens.ExpiresIn,
            ExpiresAt = tokens.ExpiresAt,
            RefreshToken = tokens.RefreshToken,
            RefreshTokenExpiresAt = tokens.RefreshTokenExpiresAt,
            SessionId = tokens.SessionId,
            RecoveryCodesLeft = recoveryCodesLeft,
            RecoveryCodesLow = recoveryCodesLow,
        };
    }
}
