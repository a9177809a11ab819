namespace Foundation.Auth.Sessions;

/// <summary>Why a session was revoked (<c>auth_sessions.revoked_reason</c>).</summary>
public static class SessionRevocationReasons
{
    /// <summary>The user logged out of this session.</summary>
    public const string Logout = "logout";

    /// <summary>The user (or an admin) revoked it from the session list.</summary>
    public const string Revoked = "revoked";

    /// <summary>The password changed.</summary>
    public const string PasswordChanged = "password-changed";

    /// <summary>The user was disabled.</summary>
    public const string UserDisabled = "user-disabled";

    /// <summary>A used refresh token of the family was presented again (likely theft).</summary>
    public const string RefreshTokenReuse = "refresh-token-reuse";
}
