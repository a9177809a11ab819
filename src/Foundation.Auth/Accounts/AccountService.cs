using Foundation.Auditing;
using Foundation.Auth.Passwords;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Foundation.Security;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Accounts;

/// <summary>
/// Registration, login (with lockout and the second-factor extension point), refresh-token rotation with reuse
/// detection, logout and password change. Every outcome is audited; failed logins answer the same way and take the
/// same time whether or not the email exists.
/// </summary>
/// <remarks>
/// A facade: each concern is its own internal class with only the dependencies it needs (<c>AccountRegistration</c>,
/// <c>SignIn</c> with <c>LockoutCounter</c>, <c>SecondFactorChallenges</c> and <c>SessionStarter</c>, <c>RefreshRotation</c>,
/// <c>AccountSessions</c>, <c>AccountProfiles</c>, <c>PasswordChanges</c>, <c>AccountStatusChanges</c>), built once per
/// instance; this class checks arguments and delegates.
/// </remarks>
public sealed class AccountService
{
    /// <summary>How long a second-factor challenge is valid.</summary>
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    private readonly AccountRegistration _registration;
    private readonly SignIn _signIn;
    private readonly SecondFactorChallenges _challenges;
    private readonly RefreshRotation _refresh;
    private readonly AccountSessions _sessions;
    private readonly AccountProfiles _profiles;
    private readonly PasswordChanges _passwords;
    private readonly AccountStatusChanges _status;

    /// <summary>Creates the service.</summary>
    internal AccountService(
        AuthDbContext db,
        IPasswordHasher hasher,
        IPasswordPolicy policy,
        IAccessTokenService tokens,
        IAuditEventWriter audit,
        ISecretProtector protector,
        IEnumerable<ISecondFactorProvider> secondFactors,
        TimeProvider time,
        IOptions<AuthOptions> options,
        DummyHash dummyHash,
        Sessions.SessionValidationCache sessionCache,
        ApiKeys.ApiKeyValidationCache apiKeyCache)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var accountAudit = new AccountAudit(audit, time);
        var lockout = new LockoutCounter(db, settings, accountAudit);
        _challenges = new SecondFactorChallenges(db, protector, time);
        _registration = new AccountRegistration(db, hasher, policy, time, settings, accountAudit);
        _signIn = new SignIn(db, hasher, dummyHash, secondFactors, settings, time, lockout, _challenges,
            new SessionStarter(db, tokens, time, settings, accountAudit), accountAudit);
        _refresh = new RefreshRotation(db, tokens, time, settings, sessionCache, accountAudit);
        _sessions = new AccountSessions(db, time, sessionCache, accountAudit);
        _profiles = new AccountProfiles(db);
        _passwords = new PasswordChanges(db, hasher, policy, tokens, secondFactors, time, settings, sessionCache, lockout, accountAudit);
        _status = new AccountStatusChanges(db, time, sessionCache, apiKeyCache, accountAudit);
    }

    /// <summary>Creates an account. The first account of a tenant is its <c>owner</c>; later ones get the default roles.</summary>
    /// <exception cref="AuthValidationException">The email or password is unacceptable (the field is named).</exception>
    /// <exception cref="AuthConflictException">The email is already registered in the tenant.</exception>
    public Task<UserProfile> RegisterAsync(RegisterRequest request, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        return _registration.RegisterAsync(request, client, cancellationToken);
    }

    /// <summary>
    /// Checks the email and password. On success: tokens for a new session, or a second-factor challenge when a
    /// registered <see cref="ISecondFactorProvider"/> requires one.
    /// </summary>
    /// <exception cref="AuthenticationFailedException">Wrong email or password, locked out or disabled: always the same message.</exception>
    public Task<LoginResult> LoginAsync(LoginRequest request, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        return _signIn.LoginAsync(request, client, cancellationToken);
    }

    /// <summary>
    /// Reads a second-factor challenge issued by <see cref="LoginAsync"/>: the user it is for, if it is genuine and unexpired.
    /// A second-factor provider calls this before checking its factor.
    /// </summary>
    public Guid? ReadChallenge(string? challengeToken) => _challenges.TryRead(challengeToken, out var userId, out _) ? userId : null;

    /// <summary>
    /// Like <see cref="ReadChallenge"/>, and also <see langword="null"/> when the challenge already completed a login: a
    /// second-factor provider calls this before checking (and spending) its factor.
    /// </summary>
    public Task<Guid?> ReadUnusedChallengeAsync(string? challengeToken, CancellationToken cancellationToken = default) =>
        _challenges.ReadUnusedAsync(challengeToken, cancellationToken);

    /// <summary>
    /// Completes a login whose second factor the caller has just verified: starts the session and returns its tokens.
    /// A challenge completes one login only: the session it creates has the challenge's id, so of two completions (also
    /// concurrent, also on two app instances sharing the database) the database's primary key lets exactly one through.
    /// </summary>
    /// <exception cref="AuthenticationFailedException">The challenge is invalid, expired or already used, or the user can no longer sign in.</exception>
    public Task<TokenPair> CompleteSecondFactorAsync(string? challengeToken, string method, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _signIn.CompleteSecondFactorAsync(challengeToken, method, client, cancellationToken);
    }

    /// <summary>
    /// Exchanges a refresh token for new tokens. Each token is rotated once: of concurrent uses of one token exactly one
    /// rotates it. Presenting it again within <see cref="TokenOptions.RefreshReuseInterval"/> of its rotation (two tabs
    /// refreshing at once, a retried request whose answer was lost) yields a fresh pair of the same session and revokes
    /// nothing; presenting it later revokes its whole session (suspected theft) and is audited as
    /// <c>auth.refresh.reuse_detected</c>. The interval's end is stored with the token, so this holds across instances.
    /// </summary>
    /// <exception cref="AuthenticationFailedException">The token is unknown, expired, reused too late or its session is revoked.</exception>
    public Task<TokenPair> RefreshAsync(string? refreshToken, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _refresh.RefreshAsync(refreshToken, client, cancellationToken);
    }

    /// <summary>Ends the session <paramref name="sessionId"/> of <paramref name="userId"/>.</summary>
    /// <returns>Whether a live session was ended.</returns>
    public Task<bool> LogoutAsync(Guid userId, Guid sessionId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _sessions.LogoutAsync(userId, sessionId, client, cancellationToken);
    }

    /// <summary>The account of <paramref name="userId"/> in <paramref name="tenantId"/>, or <see langword="null"/>.</summary>
    public Task<UserProfile?> GetProfileAsync(Guid userId, string? tenantId, CancellationToken cancellationToken = default) =>
        _profiles.GetProfileAsync(userId, tenantId, cancellationToken);

    /// <summary>
    /// Changes the password after checking the current one: a new security stamp invalidates every outstanding token,
    /// every other session is revoked, and the current session gets fresh tokens.
    /// </summary>
    /// <exception cref="AuthenticationFailedException">The current password is wrong.</exception>
    /// <exception cref="AuthValidationException">The new password is unacceptable.</exception>
    public Task<TokenPair> ChangePasswordAsync(
        Guid userId, Guid currentSessionId, string? currentPassword, string? newPassword, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _passwords.ChangePasswordAsync(userId, currentSessionId, currentPassword, newPassword, client, cancellationToken);
    }

    /// <summary>
    /// Disables or re-enables an account. Disabling changes the security stamp and revokes every session, so all
    /// outstanding tokens die at once.
    /// </summary>
    /// <returns>Whether the account exists in the tenant.</returns>
    public Task<bool> SetStatusAsync(Guid userId, string? tenantId, UserStatus status, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _status.SetStatusAsync(userId, tenantId, status, client, cancellationToken);
    }

    /// <summary>
    /// Checks the password of a signed-in user before a sensitive operation (such as turning off two-factor
    /// authentication). A wrong password counts toward the lockout exactly like a failed login; a locked account is refused.
    /// </summary>
    /// <exception cref="AuthValidationException">No password was given (field <c>password</c>).</exception>
    /// <exception cref="AuthenticationFailedException">The password is wrong, the account is locked out or no longer exists.</exception>
    public Task VerifyPasswordAsync(Guid userId, string? password, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _passwords.VerifyPasswordAsync(userId, password, client, cancellationToken);
    }

    /// <summary>Records the time a second factor was verified in <paramref name="sessionId"/> (step-up verification).</summary>
    public Task<bool> MarkSecondFactorVerifiedAsync(Guid userId, Guid sessionId, CancellationToken cancellationToken = default) =>
        _sessions.MarkSecondFactorVerifiedAsync(userId, sessionId, cancellationToken);

    internal static string NormalizeTenant(string? tenantId) => AccountRecords.NormalizeTenant(tenantId);
}
