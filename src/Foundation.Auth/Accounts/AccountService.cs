using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Foundation.Auditing;
using Foundation.Auth.Passwords;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Accounts;

/// <summary>
/// Registration, login (with lockout and the second-factor extension point), refresh-token rotation with reuse
/// detection, logout and password change. Every outcome is audited; failed logins answer the same way and take the
/// same time whether or not the email exists.
/// </summary>
public sealed class AccountService
{
    /// <summary>How long a second-factor challenge is valid.</summary>
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    private const string ChallengePurpose = "Foundation.Auth.SecondFactorChallenge";

    private const string RefreshRefused = "The refresh token is invalid, expired or already used; sign in again.";

    private readonly AuthDbContext _db;
    private readonly IPasswordHasher _hasher;
    private readonly IPasswordPolicy _policy;
    private readonly IAccessTokenService _tokens;
    private readonly IAuditEventWriter _audit;
    private readonly ISecretProtector _protector;
    private readonly IEnumerable<ISecondFactorProvider> _secondFactors;
    private readonly TimeProvider _time;
    private readonly AuthOptions _options;
    private readonly DummyHash _dummyHash;
    private readonly Sessions.SessionValidationCache _sessionCache;
    private readonly ApiKeys.ApiKeyValidationCache _apiKeyCache;

    /// <summary>Creates the service.</summary>
    public AccountService(
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
        _db = db;
        _hasher = hasher;
        _policy = policy;
        _tokens = tokens;
        _audit = audit;
        _protector = protector;
        _secondFactors = secondFactors;
        _time = time;
        _options = options.Value;
        _dummyHash = dummyHash;
        _sessionCache = sessionCache;
        _apiKeyCache = apiKeyCache;
    }

    /// <summary>Creates an account. The first account of a tenant is its <c>owner</c>; later ones get the default roles.</summary>
    /// <exception cref="AuthValidationException">The email or password is unacceptable (the field is named).</exception>
    /// <exception cref="AuthConflictException">The email is already registered in the tenant.</exception>
    public async Task<UserProfile> RegisterAsync(RegisterRequest request, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var tenant = NormalizeTenant(request.TenantId);
        var (email, normalizedEmail) = EmailAddress.Validate(request.Email);
        if (string.IsNullOrEmpty(request.Password))
        {
            throw new AuthValidationException("password", "The password is required.");
        }

        var verdict = _policy.Validate(request.Password, email);
        if (!verdict.Succeeded)
        {
            throw new AuthValidationException("password", string.Join(" ", verdict.Errors.Select(e => e.Message)), verdict.Errors);
        }

        if (await _db.Users.AnyAsync(u => u.TenantId == tenant && u.NormalizedEmail == normalizedEmail, cancellationToken).ConfigureAwait(false))
        {
            throw new AuthConflictException("An account with this email already exists in this tenant.");
        }

        var now = _time.GetUtcNow();
        var isFirst = !await _db.Users.AnyAsync(u => u.TenantId == tenant, cancellationToken).ConfigureAwait(false);
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenant,
            Email = email,
            NormalizedEmail = normalizedEmail,
            PasswordHash = _hasher.Hash(request.Password),
            Status = UserStatus.Active,
            Roles = isFirst ? Foundation.Auth.Roles.Owner : RoleList.Join(_options.DefaultRoles),
            SecurityStamp = NewStamp(),
            CreatedAt = now,
        };
        _db.Users.Add(user);
        await Organizations.MembershipRoles.AddOnRegistrationAsync(_db, tenant, user.Id, user.Roles, now, cancellationToken).ConfigureAwait(false);
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            _db.ChangeTracker.Clear();
            throw new AuthConflictException("An account with this email already exists in this tenant.", ex);
        }

        await AuditAsync("auth.user.registered", AuditOutcome.Success, user.Id, tenant, client, null, cancellationToken).ConfigureAwait(false);
        return ToProfile(user);
    }

    /// <summary>
    /// Checks the email and password. On success: tokens for a new session, or a second-factor challenge when a
    /// registered <see cref="ISecondFactorProvider"/> requires one.
    /// </summary>
    /// <exception cref="AuthenticationFailedException">Wrong email or password, locked out or disabled: always the same message.</exception>
    public async Task<LoginResult> LoginAsync(LoginRequest request, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var tenant = NormalizeTenant(request.TenantId);
        var password = request.Password ?? string.Empty;
        var normalizedEmail = EmailAddress.TryNormalize(request.Email);

        var user = normalizedEmail is null
            ? null
            : await _db.Users.AsNoTracking()
                .FirstOrDefaultAsync(u => u.TenantId == tenant && u.NormalizedEmail == normalizedEmail, cancellationToken)
                .ConfigureAwait(false);

        if (user is null)
        {
            // Same work as for a real account, so timing does not tell whether the email exists.
            _ = _hasher.Verify(_dummyHash.Value, password);
            await AuditAsync("auth.login", AuditOutcome.Failure, null, tenant, client, "unknown-email", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        var now = _time.GetUtcNow();
        var verification = _hasher.Verify(user.PasswordHash, password);
        if (user.LockoutEndsAt is { } lockedUntil && lockedUntil > now)
        {
            await AuditAsync("auth.login", AuditOutcome.Denied, user.Id, tenant, client, "locked-out", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        if (verification == PasswordVerification.Failed)
        {
            await RecordFailureAsync(user, now, client, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        if (user.Status != UserStatus.Active)
        {
            await AuditAsync("auth.login", AuditOutcome.Denied, user.Id, tenant, client, "disabled", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        if (_options.RequireConfirmedEmail && user.EmailConfirmedAt is null)
        {
            // After the password check, so only the account's owner learns that the address is unconfirmed.
            await AuditAsync("auth.login", AuditOutcome.Denied, user.Id, tenant, client, "email-not-confirmed", cancellationToken).ConfigureAwait(false);
            throw new AccountMail.EmailNotConfirmedException();
        }

        // The password is right: reset the failure count, upgrade an old hash.
        var newHash = verification == PasswordVerification.SuccessRehashNeeded ? _hasher.Hash(password) : null;
        await _db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(
                s => s.SetProperty(u => u.FailedLoginCount, 0)
                    .SetProperty(u => u.LockoutEndsAt, (DateTimeOffset?)null)
                    .SetProperty(u => u.PasswordHash, u => newHash ?? u.PasswordHash),
                cancellationToken)
            .ConfigureAwait(false);
        if (newHash is not null)
        {
            await AuditAsync("auth.password.rehashed", AuditOutcome.Success, user.Id, tenant, client, null, cancellationToken).ConfigureAwait(false);
        }

        var methods = new List<string>();
        foreach (var factor in _secondFactors)
        {
            if (await factor.IsRequiredAsync(user.Id, request.DeviceToken, cancellationToken).ConfigureAwait(false))
            {
                methods.Add(factor.Name);
            }
        }

        if (methods.Count > 0)
        {
            // The challenge names the session its completion will create: the sessions' primary key makes it single use.
            var expiresAt = now + ChallengeLifetime;
            var payload = string.Create(CultureInfo.InvariantCulture, $"{user.Id:N}|{expiresAt.ToUnixTimeSeconds()}|{Guid.CreateVersion7(now):N}");
            var challenge = new SecondFactorChallenge(_protector.Protect(ChallengePurpose, payload), methods, expiresAt);
            await AuditAsync("auth.login.second_factor_required", AuditOutcome.Success, user.Id, tenant, client, string.Join(',', methods), cancellationToken).ConfigureAwait(false);
            return new LoginResult(null, challenge, ToProfile(user));
        }

        var tokens = await StartSessionAsync(user, client, null, cancellationToken).ConfigureAwait(false);
        await AuditAsync("auth.login", AuditOutcome.Success, user.Id, tenant, client, null, cancellationToken).ConfigureAwait(false);
        return new LoginResult(tokens, null, ToProfile(user));
    }

    /// <summary>
    /// Reads a second-factor challenge issued by <see cref="LoginAsync"/>: the user it is for, if it is genuine and unexpired.
    /// A second-factor provider calls this before checking its factor.
    /// </summary>
    public Guid? ReadChallenge(string? challengeToken) => TryReadChallenge(challengeToken, out var userId, out _) ? userId : null;

    /// <summary>
    /// Like <see cref="ReadChallenge"/>, and also <see langword="null"/> when the challenge already completed a login: a
    /// second-factor provider calls this before checking (and spending) its factor.
    /// </summary>
    public async Task<Guid?> ReadUnusedChallengeAsync(string? challengeToken, CancellationToken cancellationToken = default)
    {
        if (!TryReadChallenge(challengeToken, out var userId, out var challengeId))
        {
            return null;
        }

        var used = await _db.Sessions.AsNoTracking().AnyAsync(s => s.Id == challengeId, cancellationToken).ConfigureAwait(false);
        return used ? null : userId;
    }

    private bool TryReadChallenge(string? challengeToken, out Guid userId, out Guid challengeId)
    {
        userId = Guid.Empty;
        challengeId = Guid.Empty;
        if (string.IsNullOrWhiteSpace(challengeToken) || challengeToken.Length > 4096)
        {
            return false;
        }

        string payload;
        try
        {
            payload = _protector.Unprotect(ChallengePurpose, challengeToken);
        }
        catch (SecretProtectionException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = payload.Split('|');
        return parts.Length == 3 && Guid.TryParseExact(parts[0], "N", out userId)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && DateTimeOffset.FromUnixTimeSeconds(expires) > _time.GetUtcNow()
            && Guid.TryParseExact(parts[2], "N", out challengeId);
    }

    /// <summary>
    /// Completes a login whose second factor the caller has just verified: starts the session and returns its tokens.
    /// A challenge completes one login only: the session it creates has the challenge's id, so of two completions (also
    /// concurrent, also on two app instances sharing the database) the database's primary key lets exactly one through.
    /// </summary>
    /// <exception cref="AuthenticationFailedException">The challenge is invalid, expired or already used, or the user can no longer sign in.</exception>
    public async Task<TokenPair> CompleteSecondFactorAsync(string? challengeToken, string method, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!TryReadChallenge(challengeToken, out var userId, out var challengeId))
        {
            throw new AuthenticationFailedException("The second-factor challenge is invalid or has expired; sign in again.");
        }

        var user = await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false);
        if (user is null || user.Status != UserStatus.Active)
        {
            throw new AuthenticationFailedException("The second-factor challenge is invalid or has expired; sign in again.");
        }

        TokenPair tokens;
        try
        {
            tokens = await StartSessionAsync(user, client, _time.GetUtcNow(), cancellationToken, challengeId).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            _db.ChangeTracker.Clear();
            await AuditAsync("auth.login.challenge_reused", AuditOutcome.Denied, user.Id, user.TenantId, client, "second-factor:" + method, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The second-factor challenge was already used; sign in again.", ex);
        }

        await AuditAsync("auth.login", AuditOutcome.Success, user.Id, user.TenantId, client, "second-factor:" + method, cancellationToken).ConfigureAwait(false);
        return tokens;
    }

    /// <summary>
    /// Exchanges a refresh token for new tokens. Each token is rotated once: of concurrent uses of one token exactly one
    /// rotates it. Presenting it again within <see cref="TokenOptions.RefreshReuseInterval"/> of its rotation (two tabs
    /// refreshing at once, a retried request whose answer was lost) yields a fresh pair of the same session and revokes
    /// nothing; presenting it later revokes its whole session (suspected theft) and is audited as
    /// <c>auth.refresh.reuse_detected</c>. The interval's end is stored with the token, so this holds across instances.
    /// </summary>
    /// <exception cref="AuthenticationFailedException">The token is unknown, expired, reused too late or its session is revoked.</exception>
    public async Task<TokenPair> RefreshAsync(string? refreshToken, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!RefreshTokens.TryHash(refreshToken, out var hash))
        {
            throw new AuthenticationFailedException(RefreshRefused);
        }

        var now = _time.GetUtcNow();
        var found = await _db.RefreshTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Join(_db.Sessions, t => t.SessionId, s => s.Id, (t, s) => new { Token = t, Session = s })
            .Join(_db.Users, x => x.Session.UserId, u => u.Id, (x, u) => new { x.Token, x.Session, User = u })
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        if (found is null)
        {
            await AuditAsync("auth.refresh", AuditOutcome.Failure, null, null, client, "unknown-token", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException(RefreshRefused);
        }

        var user = found.User;
        var session = found.Session;
        var alive = found.Token.ExpiresAt > now && session.RevokedAt is null && session.ExpiresAt > now && user.Status == UserStatus.Active;
        if (found.Token.UsedAt is not null)
        {
            return await RefreshUsedTokenAsync(found.Token.ReuseAllowedUntil, alive, user, session, now, client, cancellationToken).ConfigureAwait(false);
        }

        if (!alive)
        {
            await AuditAsync("auth.refresh", AuditOutcome.Denied, user.Id, user.TenantId, client, "expired-or-revoked", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException(RefreshRefused);
        }

        var interval = _options.Tokens.RefreshReuseInterval;
        DateTimeOffset? reuseUntil = interval > TimeSpan.Zero ? now + interval : null;
        var strategy = _db.Database.CreateExecutionStrategy();
        var issued = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);

            // The conditional UPDATE is the single point of decision: of concurrent uses (on any instance) one claims it.
            var claimed = await _db.RefreshTokens
                .Where(t => t.Id == found.Token.Id && t.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now).SetProperty(t => t.ReuseAllowedUntil, reuseUntil), ct)
                .ConfigureAwait(false);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return null;
            }

            var (token, record) = RefreshTokens.Create(session.Id, now, TimeSpan.FromDays(_options.Tokens.RefreshTokenDays));
            _db.RefreshTokens.Add(record);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await _db.Sessions.Where(s => s.Id == session.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.ExpiresAt, record.ExpiresAt), ct)
                .ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new IssuedRefreshToken(token, record.ExpiresAt);
        }, cancellationToken).ConfigureAwait(false);

        if (issued is null)
        {
            // Another request rotated this token a moment ago: read when, and treat this one as a reuse of it.
            _db.ChangeTracker.Clear();
            var reuseAllowedUntil = await _db.RefreshTokens.AsNoTracking()
                .Where(t => t.Id == found.Token.Id)
                .Select(t => t.ReuseAllowedUntil)
                .FirstOrDefaultAsync(cancellationToken)
                .ConfigureAwait(false);
            return await RefreshUsedTokenAsync(reuseAllowedUntil, alive, user, session, now, client, cancellationToken).ConfigureAwait(false);
        }

        return await CompleteRefreshAsync(user, session, issued, client, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A token that was already rotated is presented: within its reuse interval a fresh pair of the same session (the
    /// session must still be alive: the insert is conditional on it in one transaction); after it, the session is revoked.
    /// </summary>
    private async Task<TokenPair> RefreshUsedTokenAsync(
        DateTimeOffset? reuseAllowedUntil, bool alive, UserRecord user, SessionRecord session, DateTimeOffset now, ClientInfo client, CancellationToken cancellationToken)
    {
        if (reuseAllowedUntil is not { } until || now >= until)
        {
            await RevokeFamilyAsync(session, client, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException(RefreshRefused);
        }

        if (!alive)
        {
            await AuditAsync("auth.refresh", AuditOutcome.Denied, user.Id, user.TenantId, client, "expired-or-revoked", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException(RefreshRefused);
        }

        var strategy = _db.Database.CreateExecutionStrategy();
        var issued = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var (token, record) = RefreshTokens.Create(session.Id, now, TimeSpan.FromDays(_options.Tokens.RefreshTokenDays));

            // Only a session that is still alive gets another token (a concurrent revocation wins).
            var live = await _db.Sessions.Where(s => s.Id == session.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.ExpiresAt, record.ExpiresAt), ct)
                .ConfigureAwait(false);
            if (live == 0)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return null;
            }

            _db.RefreshTokens.Add(record);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new IssuedRefreshToken(token, record.ExpiresAt);
        }, cancellationToken).ConfigureAwait(false);
        _db.ChangeTracker.Clear();

        if (issued is null)
        {
            await AuditAsync("auth.refresh", AuditOutcome.Denied, user.Id, user.TenantId, client, "expired-or-revoked", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException(RefreshRefused);
        }

        return await CompleteRefreshAsync(user, session, issued, client, "reuse-within-interval", cancellationToken).ConfigureAwait(false);
    }

    private async Task<TokenPair> CompleteRefreshAsync(
        UserRecord user, SessionRecord session, IssuedRefreshToken issued, ClientInfo client, string? reason, CancellationToken cancellationToken)
    {
        // The session holds its active organisation; the role is the membership's there (gone: the refresh is refused).
        var roles = await Organizations.MembershipRoles.ResolveAsync(_db, user, session.TenantId, cancellationToken).ConfigureAwait(false);
        if (roles is null)
        {
            await AuditAsync("auth.refresh", AuditOutcome.Denied, user.Id, session.TenantId, client, "not-a-member", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("You are no longer a member of the session's organisation; sign in again.");
        }

        var access = await _tokens.IssueAsync(
            new AccessTokenRequest(user.Id, session.TenantId, RoleList.Split(roles), session.Id, user.SecurityStamp, user.Email, session.SecondFactorVerifiedAt),
            cancellationToken).ConfigureAwait(false);
        await AuditAsync("auth.refresh", AuditOutcome.Success, user.Id, session.TenantId, client, reason, cancellationToken).ConfigureAwait(false);
        return new TokenPair(access.Token, access.ExpiresAt, issued.Token, issued.ExpiresAt, session.Id);
    }

    /// <summary>Ends the session <paramref name="sessionId"/> of <paramref name="userId"/>.</summary>
    /// <returns>Whether a live session was ended.</returns>
    public async Task<bool> LogoutAsync(Guid userId, Guid sessionId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = _time.GetUtcNow();
        var ended = await _db.Sessions
            .Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "logout"), cancellationToken)
            .ConfigureAwait(false);
        _sessionCache.Invalidate(sessionId);
        var tenant = await _db.Users.Where(u => u.Id == userId).Select(u => u.TenantId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        await AuditAsync("auth.logout", ended > 0 ? AuditOutcome.Success : AuditOutcome.Failure, userId, tenant, client, null, cancellationToken).ConfigureAwait(false);
        return ended > 0;
    }

    /// <summary>The account of <paramref name="userId"/> in <paramref name="tenantId"/>, or <see langword="null"/>.</summary>
    public async Task<UserProfile?> GetProfileAsync(Guid userId, string? tenantId, CancellationToken cancellationToken = default)
    {
        var tenant = NormalizeTenant(tenantId);
        var user = await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return null;
        }

        // The tenant is the caller's active organisation: the profile shows it and the role there.
        var roles = await Organizations.MembershipRoles.ResolveAsync(_db, user, tenant, cancellationToken).ConfigureAwait(false);
        if (roles is null)
        {
            return null;
        }

        var team = await _db.TeamMembers.AsNoTracking()
            .Where(tm => tm.UserId == userId && _db.Teams.Any(t => t.Id == tm.TeamId && t.OrganizationId == tenant))
            .OrderBy(tm => tm.AddedAt).ThenBy(tm => tm.TeamId).Select(tm => (Guid?)tm.TeamId)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return ToProfile(user) with { TenantId = tenant, Roles = RoleList.Split(roles), TeamId = team };
    }

    /// <summary>
    /// Changes the password after checking the current one: a new security stamp invalidates every outstanding token,
    /// every other session is revoked, and the current session gets fresh tokens.
    /// </summary>
    /// <exception cref="AuthenticationFailedException">The current password is wrong.</exception>
    /// <exception cref="AuthValidationException">The new password is unacceptable.</exception>
    public async Task<TokenPair> ChangePasswordAsync(
        Guid userId, Guid currentSessionId, string? currentPassword, string? newPassword, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrEmpty(currentPassword))
        {
            throw new AuthValidationException("currentPassword", "The current password is required.");
        }

        if (string.IsNullOrEmpty(newPassword))
        {
            throw new AuthValidationException("newPassword", "The new password is required.");
        }

        var user = await _db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthenticationFailedException("The account no longer exists.");
        if (user.LockoutEndsAt is { } lockedUntil && lockedUntil > _time.GetUtcNow())
        {
            await AuditAsync("auth.password.changed", AuditOutcome.Denied, user.Id, user.TenantId, client, "locked-out", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The account is temporarily locked after too many failed attempts; try again later.");
        }

        if (_hasher.Verify(user.PasswordHash, currentPassword) == PasswordVerification.Failed)
        {
            // A stolen access token must not allow unlimited guessing: wrong current passwords count toward the lockout.
            await RecordFailureAsync(user, _time.GetUtcNow(), client, cancellationToken).ConfigureAwait(false);
            await AuditAsync("auth.password.changed", AuditOutcome.Failure, user.Id, user.TenantId, client, "wrong-current-password", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The current password is wrong.");
        }

        var verdict = _policy.Validate(newPassword, user.Email);
        if (!verdict.Succeeded)
        {
            throw new AuthValidationException("newPassword", string.Join(" ", verdict.Errors.Select(e => e.Message)), verdict.Errors);
        }

        var now = _time.GetUtcNow();
        var session = await _db.Sessions.FirstOrDefaultAsync(s => s.Id == currentSessionId && s.UserId == userId && s.RevokedAt == null, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthenticationFailedException("The current session has ended; sign in again.");

        var strategy = _db.Database.CreateExecutionStrategy();
        var tokens = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            user.PasswordHash = _hasher.Hash(newPassword);
            user.SecurityStamp = NewStamp();
            await _db.Sessions
                .Where(s => s.UserId == userId && s.Id != currentSessionId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "password-changed"), ct)
                .ConfigureAwait(false);
            await _db.RefreshTokens
                .Where(t => t.SessionId == currentSessionId && t.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct)
                .ConfigureAwait(false);
            var (refresh, record) = RefreshTokens.Create(session.Id, now, TimeSpan.FromDays(_options.Tokens.RefreshTokenDays));
            _db.RefreshTokens.Add(record);
            session.LastSeenAt = now;
            session.ExpiresAt = record.ExpiresAt;
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return (refresh, record);
        }, cancellationToken).ConfigureAwait(false);

        var sessionRoles = await Organizations.MembershipRoles.ResolveAsync(_db, user, session.TenantId, cancellationToken).ConfigureAwait(false) ?? string.Empty;
        var access = await _tokens.IssueAsync(
            new AccessTokenRequest(user.Id, session.TenantId, RoleList.Split(sessionRoles), session.Id, user.SecurityStamp, user.Email, session.SecondFactorVerifiedAt),
            cancellationToken).ConfigureAwait(false);
        _sessionCache.InvalidateAll();
        await AuditAsync("auth.password.changed", AuditOutcome.Success, user.Id, user.TenantId, client, null, cancellationToken).ConfigureAwait(false);
        await NotifyPasswordChangedAsync(user, client, cancellationToken).ConfigureAwait(false);
        return new TokenPair(access.Token, access.ExpiresAt, tokens.refresh, tokens.record.ExpiresAt, session.Id);
    }

    /// <summary>
    /// Disables or re-enables an account. Disabling changes the security stamp and revokes every session, so all
    /// outstanding tokens die at once.
    /// </summary>
    /// <returns>Whether the account exists in the tenant.</returns>
    public async Task<bool> SetStatusAsync(Guid userId, string? tenantId, UserStatus status, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var tenant = NormalizeTenant(tenantId);
        var now = _time.GetUtcNow();
        var stamp = NewStamp();
        var changed = await _db.Users.Where(u => u.Id == userId && u.TenantId == tenant)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, status).SetProperty(u => u.SecurityStamp, stamp), cancellationToken)
            .ConfigureAwait(false);
        if (changed == 0)
        {
            return false;
        }

        if (status == UserStatus.Disabled)
        {
            await _db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "user-disabled"), cancellationToken)
                .ConfigureAwait(false);
        }

        _sessionCache.InvalidateAll();

        // API keys act as their owner: a disabled owner's keys must stop at once here too.
        _apiKeyCache.InvalidateAll();
        await AuditAsync(status == UserStatus.Disabled ? "auth.user.disabled" : "auth.user.enabled", AuditOutcome.Success, userId, tenant, client, null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Checks the password of a signed-in user before a sensitive operation (such as turning off two-factor
    /// authentication). A wrong password counts toward the lockout exactly like a failed login; a locked account is refused.
    /// </summary>
    /// <exception cref="AuthValidationException">No password was given (field <c>password</c>).</exception>
    /// <exception cref="AuthenticationFailedException">The password is wrong, the account is locked out or no longer exists.</exception>
    public async Task VerifyPasswordAsync(Guid userId, string? password, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrEmpty(password))
        {
            throw new AuthValidationException("password", "The password is required.");
        }

        var user = await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthenticationFailedException("The account no longer exists.");
        var now = _time.GetUtcNow();
        if (user.LockoutEndsAt is { } lockedUntil && lockedUntil > now)
        {
            await AuditAsync("auth.password.verify", AuditOutcome.Denied, user.Id, user.TenantId, client, "locked-out", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The account is temporarily locked after too many failed attempts; try again later.");
        }

        if (_hasher.Verify(user.PasswordHash, password) == PasswordVerification.Failed)
        {
            await RecordFailureAsync(user, now, client, cancellationToken).ConfigureAwait(false);
            await AuditAsync("auth.password.verify", AuditOutcome.Failure, user.Id, user.TenantId, client, "wrong-password", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The password is wrong.");
        }

        await _db.Users.Where(u => u.Id == user.Id && u.FailedLoginCount != 0)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, 0), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Records the time a second factor was verified in <paramref name="sessionId"/> (step-up verification).</summary>
    public async Task<bool> MarkSecondFactorVerifiedAsync(Guid userId, Guid sessionId, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var changed = await _db.Sessions.Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SecondFactorVerifiedAt, now), cancellationToken)
            .ConfigureAwait(false);

        // The next request of this session must see the step-up (amr_2fa_at comes from the session), not a 5 s old read.
        _sessionCache.Invalidate(sessionId);
        return changed > 0;
    }

    internal static string NormalizeTenant(string? tenantId)
    {
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            return string.Empty;
        }

        var tenant = tenantId.Trim();
        if (tenant.Length > 64 || !tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new AuthValidationException("tenant", "The tenant must be at most 64 characters of letters, digits, '-', '_' and '.'.");
        }

        return tenant;
    }

    private async Task<TokenPair> StartSessionAsync(UserRecord user, ClientInfo client, DateTimeOffset? secondFactorAt, CancellationToken cancellationToken, Guid? sessionId = null)
    {
        // A session starts in the user's own organisation, or the first one joined when the user left their own.
        var active = await Organizations.MembershipRoles.ForNewSessionAsync(_db, user, cancellationToken).ConfigureAwait(false);
        if (active is not { } start)
        {
            await AuditAsync("auth.login", AuditOutcome.Denied, user.Id, user.TenantId, client, "no-organization", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        var now = _time.GetUtcNow();
        var device = Sessions.UserAgentParser.Parse(client.UserAgent);
        var session = new SessionRecord
        {
            Id = sessionId ?? Guid.CreateVersion7(now),
            UserId = user.Id,
            TenantId = start.OrganizationId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now.AddDays(_options.Tokens.RefreshTokenDays),
            IpAddress = client.IpAddress is { Length: <= 64 } ip ? ip : null,
            UserAgent = client.UserAgent is { } ua ? (ua.Length > 512 ? ua[..512] : ua) : null,
            Browser = device.Browser,
            OperatingSystem = device.OperatingSystem,
            DeviceType = device.DeviceType,
            SecondFactorVerifiedAt = secondFactorAt,
        };
        var (refresh, record) = RefreshTokens.Create(session.Id, now, TimeSpan.FromDays(_options.Tokens.RefreshTokenDays));
        _db.Sessions.Add(session);
        _db.RefreshTokens.Add(record);
        await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await _db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastLoginAt, now), cancellationToken)
            .ConfigureAwait(false);
        _db.ChangeTracker.Clear();

        var access = await _tokens.IssueAsync(
            new AccessTokenRequest(user.Id, start.OrganizationId, RoleList.Split(start.Roles), session.Id, user.SecurityStamp, user.Email, secondFactorAt),
            cancellationToken).ConfigureAwait(false);
        return new TokenPair(access.Token, access.ExpiresAt, refresh, record.ExpiresAt, session.Id);
    }

    private async Task NotifyPasswordChangedAsync(UserRecord user, ClientInfo client, CancellationToken cancellationToken)
    {
        foreach (var factor in _secondFactors)
        {
            try
            {
                await factor.OnPasswordChangedAsync(user.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The password change has committed; a provider's failure must not turn it into an error answer.
                await AuditAsync("auth.password.changed.second_factor_hook_failed", AuditOutcome.Failure, user.Id, user.TenantId, client,
                    factor.Name + ": " + ex.GetType().Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RecordFailureAsync(UserRecord user, DateTimeOffset now, ClientInfo client, CancellationToken cancellationToken)
    {
        var max = _options.Lockout.MaxFailedAttempts;
        var until = now.AddMinutes(_options.Lockout.DurationMinutes);

        // Two atomic statements: the increment counts every concurrent failure; the conditional lock can succeed for
        // one caller only (it resets the count), so each lockout is applied and audited exactly once.
        await _db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, u => u.FailedLoginCount + 1), cancellationToken)
            .ConfigureAwait(false);
        var lockedNow = await _db.Users.Where(u => u.Id == user.Id && u.FailedLoginCount >= max)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEndsAt, until).SetProperty(u => u.FailedLoginCount, 0), cancellationToken)
            .ConfigureAwait(false) > 0;

        await AuditAsync("auth.login", AuditOutcome.Failure, user.Id, user.TenantId, client, "wrong-password", cancellationToken).ConfigureAwait(false);
        if (lockedNow)
        {
            await AuditAsync("auth.lockout", AuditOutcome.Denied, user.Id, user.TenantId, client, $"{max} failed attempts", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RevokeFamilyAsync(SessionRecord session, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await _db.Sessions.Where(s => s.Id == session.Id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "refresh-token-reuse"), cancellationToken)
            .ConfigureAwait(false);
        _sessionCache.Invalidate(session.Id);
        await AuditAsync("auth.refresh.reuse_detected", AuditOutcome.Denied, session.UserId, session.TenantId, client,
            "A used refresh token was presented again: suspected theft; the session was revoked.", cancellationToken).ConfigureAwait(false);
    }

    private ValueTask AuditAsync(string action, AuditOutcome outcome, Guid? userId, string? tenant, ClientInfo client, string? reason, CancellationToken cancellationToken)
    {
        var data = reason is null
            ? new Dictionary<string, string?>(StringComparer.Ordinal)
            : new Dictionary<string, string?>(StringComparer.Ordinal) { ["reason"] = reason };
        if (client.UserAgent is { } ua)
        {
            data["userAgent"] = ua.Length > 200 ? ua[..200] : ua;
        }

        return _audit.WriteAsync(
            new AuditEvent(action, outcome)
            {
                OccurredAt = _time.GetUtcNow(),
                ActorUserId = userId?.ToString(),
                TenantId = string.IsNullOrEmpty(tenant) ? null : tenant,
                TargetType = "user",
                TargetId = userId?.ToString(),
                RequestId = client.RequestId,
                IpAddress = client.IpAddress,
                Data = data,
            },
            cancellationToken);
    }

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static UserProfile ToProfile(UserRecord user) =>
        new(user.Id, user.Email, user.TenantId, RoleList.Split(user.Roles), user.Status, user.CreatedAt, user.LastLoginAt);

    private sealed record IssuedRefreshToken(string Token, DateTimeOffset ExpiresAt);
}

/// <summary>A password hash of the current format and cost that matches nothing, verified for unknown emails.</summary>
public sealed class DummyHash
{
    private readonly Lazy<string> _value;

    /// <summary>Creates it with <paramref name="hasher"/>.</summary>
    public DummyHash(IPasswordHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        _value = new Lazy<string>(() => hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The hash.</summary>
    public string Value => _value.Value;
}

/// <summary>Roles as stored: space separated, lower-case.</summary>
internal static class RoleList
{
    public static string Join(IEnumerable<string> roles) =>
        string.Join(' ', roles.Select(r => r.Trim().ToLowerInvariant()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal));

    public static IReadOnlyList<string> Split(string roles) =>
        roles.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Opaque refresh tokens: 256 random bits, base64url; stored as SHA-256 hex.</summary>
internal static class RefreshTokens
{
    public static (string Token, RefreshTokenRecord Record) Create(Guid sessionId, DateTimeOffset now, TimeSpan lifetime)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new RefreshTokenRecord
        {
            Id = Guid.CreateVersion7(now),
            SessionId = sessionId,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        return (token, record);
    }

    public static bool TryHash(string? token, out string hash)
    {
        hash = string.Empty;
        if (string.IsNullOrEmpty(token) || token.Length != 43 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        hash = Hash(token);
        return true;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
