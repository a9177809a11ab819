using Foundation.Auditing;
using Foundation.Auth.Passwords;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>
/// The password of a signed-in user: checking it before a sensitive operation, and changing it (new stamp, other sessions
/// revoked, fresh tokens for this one, second-factor providers told). Wrong passwords count toward the lockout.
/// </summary>
internal sealed class PasswordChanges(
    AuthDbContext db,
    IPasswordHasher hasher,
    IPasswordPolicy policy,
    IAccessTokenService tokens,
    IEnumerable<ISecondFactorProvider> secondFactors,
    TimeProvider time,
    AuthOptions options,
    SessionValidationCache sessionCache,
    LockoutCounter lockout,
    AccountAudit audit)
{
    public async Task<TokenPair> ChangePasswordAsync(
        Guid userId, Guid currentSessionId, string? currentPassword, string? newPassword, ClientInfo client, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(currentPassword))
        {
            throw new AuthValidationException("currentPassword", "The current password is required.");
        }

        if (string.IsNullOrEmpty(newPassword))
        {
            throw new AuthValidationException("newPassword", "The new password is required.");
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthenticationFailedException("The account no longer exists.");
        if (user.LockoutEndsAt is { } lockedUntil && lockedUntil > time.GetUtcNow())
        {
            await audit.WriteAsync("auth.password.changed", AuditOutcome.Denied, user.Id, user.TenantId, client, "locked-out", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The account is temporarily locked after too many failed attempts; try again later.");
        }

        if (hasher.Verify(user.PasswordHash, currentPassword) == PasswordVerification.Failed)
        {
            // A stolen access token must not allow unlimited guessing: wrong current passwords count toward the lockout.
            await lockout.RecordFailureAsync(user, time.GetUtcNow(), client, cancellationToken).ConfigureAwait(false);
            await audit.WriteAsync("auth.password.changed", AuditOutcome.Failure, user.Id, user.TenantId, client, "wrong-current-password", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The current password is wrong.");
        }

        var verdict = policy.Validate(newPassword, user.Email);
        if (!verdict.Succeeded)
        {
            throw new AuthValidationException("newPassword", string.Join(" ", verdict.Errors.Select(e => e.Message)), verdict.Errors);
        }

        var now = time.GetUtcNow();
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == currentSessionId && s.UserId == userId && s.RevokedAt == null, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthenticationFailedException("The current session has ended; sign in again.");

        var strategy = db.Database.CreateExecutionStrategy();
        var rotated = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            user.PasswordHash = hasher.Hash(newPassword);
            user.SecurityStamp = AccountRecords.NewStamp();
            await db.Sessions
                .Where(s => s.UserId == userId && s.Id != currentSessionId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "password-changed"), ct)
                .ConfigureAwait(false);
            await db.RefreshTokens
                .Where(t => t.SessionId == currentSessionId && t.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct)
                .ConfigureAwait(false);
            var (refresh, record) = RefreshTokens.Create(session.Id, now, TimeSpan.FromDays(options.Tokens.RefreshTokenDays));
            db.RefreshTokens.Add(record);
            session.LastSeenAt = now;
            session.ExpiresAt = record.ExpiresAt;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return (refresh, record);
        }, cancellationToken).ConfigureAwait(false);

        var sessionRoles = await Organizations.MembershipRoles.ResolveAsync(db, user, session.TenantId, cancellationToken).ConfigureAwait(false) ?? string.Empty;
        var access = await tokens.IssueAsync(
            new AccessTokenRequest(user.Id, session.TenantId, RoleList.Split(sessionRoles), session.Id, user.SecurityStamp, user.Email, session.SecondFactorVerifiedAt),
            cancellationToken).ConfigureAwait(false);
        sessionCache.InvalidateAll();
        await audit.WriteAsync("auth.password.changed", AuditOutcome.Success, user.Id, user.TenantId, client, null, cancellationToken).ConfigureAwait(false);
        await NotifyPasswordChangedAsync(user, client, cancellationToken).ConfigureAwait(false);
        return new TokenPair(access.Token, access.ExpiresAt, rotated.refresh, rotated.record.ExpiresAt, session.Id);
    }

    public async Task VerifyPasswordAsync(Guid userId, string? password, ClientInfo client, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password))
        {
            throw new AuthValidationException("password", "The password is required.");
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthenticationFailedException("The account no longer exists.");
        var now = time.GetUtcNow();
        if (user.LockoutEndsAt is { } lockedUntil && lockedUntil > now)
        {
            await audit.WriteAsync("auth.password.verify", AuditOutcome.Denied, user.Id, user.TenantId, client, "locked-out", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The account is temporarily locked after too many failed attempts; try again later.");
        }

        if (hasher.Verify(user.PasswordHash, password) == PasswordVerification.Failed)
        {
            await lockout.RecordFailureAsync(user, now, client, cancellationToken).ConfigureAwait(false);
            await audit.WriteAsync("auth.password.verify", AuditOutcome.Failure, user.Id, user.TenantId, client, "wrong-password", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The password is wrong.");
        }

        await db.Users.Where(u => u.Id == user.Id && u.FailedLoginCount != 0)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, 0), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task NotifyPasswordChangedAsync(UserRecord user, ClientInfo client, CancellationToken cancellationToken)
    {
        foreach (var factor in secondFactors)
        {
            try
            {
                await factor.OnPasswordChangedAsync(user.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The password change has committed; a provider's failure must not turn it into an error answer.
                await audit.WriteAsync("auth.password.changed.second_factor_hook_failed", AuditOutcome.Failure, user.Id, user.TenantId, client,
                    factor.Name + ": " + ex.GetType().Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
