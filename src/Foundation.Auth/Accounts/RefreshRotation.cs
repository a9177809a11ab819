using Foundation.Auditing;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>
/// Refresh-token rotation with reuse detection: one conditional UPDATE decides which of concurrent uses rotates a token;
/// a reuse within <see cref="TokenOptions.RefreshReuseInterval"/> gets a fresh pair of the same session, a later one
/// revokes the session.
/// </summary>
internal sealed class RefreshRotation(
    AuthDbContext db, IAccessTokenService tokens, TimeProvider time, AuthOptions options, SessionValidationCache sessionCache, AccountAudit audit)
{
    private const string RefreshRefused = "The refresh token is invalid, expired or already used; sign in again.";

    public async Task<TokenPair> RefreshAsync(string? refreshToken, ClientInfo client, CancellationToken cancellationToken)
    {
        if (!RefreshTokens.TryHash(refreshToken, out var hash))
        {
            throw new AuthenticationFailedException(RefreshRefused);
        }

        var now = time.GetUtcNow();
        var found = await db.RefreshTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Join(db.Sessions, t => t.SessionId, s => s.Id, (t, s) => new { Token = t, Session = s })
            .Join(db.Users, x => x.Session.UserId, u => u.Id, (x, u) => new { x.Token, x.Session, User = u })
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        if (found is null)
        {
            await audit.WriteAsync("auth.refresh", AuditOutcome.Failure, null, null, client, "unknown-token", cancellationToken).ConfigureAwait(false);
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
            await audit.WriteAsync("auth.refresh", AuditOutcome.Denied, user.Id, user.TenantId, client, "expired-or-revoked", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException(RefreshRefused);
        }

        var interval = options.Tokens.RefreshReuseInterval;
        DateTimeOffset? reuseUntil = interval > TimeSpan.Zero ? now + interval : null;
        var strategy = db.Database.CreateExecutionStrategy();
        var issued = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);

            // The conditional UPDATE is the single point of decision: of concurrent uses (on any instance) one claims it.
            var claimed = await db.RefreshTokens
                .Where(t => t.Id == found.Token.Id && t.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now).SetProperty(t => t.ReuseAllowedUntil, reuseUntil), ct)
                .ConfigureAwait(false);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return null;
            }

            var (token, record) = RefreshTokens.Create(session.Id, now, TimeSpan.FromDays(options.Tokens.RefreshTokenDays));
            db.RefreshTokens.Add(record);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await db.Sessions.Where(s => s.Id == session.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.ExpiresAt, record.ExpiresAt), ct)
                .ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new IssuedRefreshToken(token, record.ExpiresAt);
        }, cancellationToken).ConfigureAwait(false);

        if (issued is null)
        {
            // Another request rotated this token a moment ago: read when, and treat this one as a reuse of it.
            db.ChangeTracker.Clear();
            var reuseAllowedUntil = await db.RefreshTokens.AsNoTracking()
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
            await audit.WriteAsync("auth.refresh", AuditOutcome.Denied, user.Id, user.TenantId, client, "expired-or-revoked", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException(RefreshRefused);
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var issued = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var (token, record) = RefreshTokens.Create(session.Id, now, TimeSpan.FromDays(options.Tokens.RefreshTokenDays));

            // Only a session that is still alive gets another token (a concurrent revocation wins).
            var live = await db.Sessions.Where(s => s.Id == session.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now).SetProperty(x => x.ExpiresAt, record.ExpiresAt), ct)
                .ConfigureAwait(false);
            if (live == 0)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return null;
            }

            db.RefreshTokens.Add(record);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new IssuedRefreshToken(token, record.ExpiresAt);
        }, cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.Clear();

        if (issued is null)
        {
            await audit.WriteAsync("auth.refresh", AuditOutcome.Denied, user.Id, user.TenantId, client, "expired-or-revoked", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException(RefreshRefused);
        }

        return await CompleteRefreshAsync(user, session, issued, client, "reuse-within-interval", cancellationToken).ConfigureAwait(false);
    }

    private async Task<TokenPair> CompleteRefreshAsync(
        UserRecord user, SessionRecord session, IssuedRefreshToken issued, ClientInfo client, string? reason, CancellationToken cancellationToken)
    {
        // The session holds its active organisation; the role is the membership's there (gone: the refresh is refused).
        var roles = await Organizations.MembershipRoles.ResolveAsync(db, user, session.TenantId, cancellationToken).ConfigureAwait(false);
        if (roles is null)
        {
            await audit.WriteAsync("auth.refresh", AuditOutcome.Denied, user.Id, session.TenantId, client, "not-a-member", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("You are no longer a member of the session's organisation; sign in again.");
        }

        var access = await tokens.IssueAsync(
            new AccessTokenRequest(user.Id, session.TenantId, RoleList.Split(roles), session.Id, user.SecurityStamp, user.Email, session.SecondFactorVerifiedAt),
            cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync("auth.refresh", AuditOutcome.Success, user.Id, session.TenantId, client, reason, cancellationToken).ConfigureAwait(false);
        return new TokenPair(access.Token, access.ExpiresAt, issued.Token, issued.ExpiresAt, session.Id);
    }

    private async Task RevokeFamilyAsync(SessionRecord session, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Sessions.Where(s => s.Id == session.Id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "refresh-token-reuse"), cancellationToken)
            .ConfigureAwait(false);
        sessionCache.Invalidate(session.Id);
        await audit.WriteAsync("auth.refresh.reuse_detected", AuditOutcome.Denied, session.UserId, session.TenantId, client,
            "A used refresh token was presented again: suspected theft; the session was revoked.", cancellationToken).ConfigureAwait(false);
    }

    private sealed record IssuedRefreshToken(string Token, DateTimeOffset ExpiresAt);
}
