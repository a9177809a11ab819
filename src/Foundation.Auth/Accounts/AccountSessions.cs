using Foundation.Auditing;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>A signed-in user's own session: logging out, recording a step-up second-factor verification.</summary>
internal sealed class AccountSessions(AuthDbContext db, TimeProvider time, SessionValidationCache sessionCache, AccountAudit audit)
{
    public async Task<bool> LogoutAsync(Guid userId, Guid sessionId, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ended = await db.Sessions
            .Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "logout"), cancellationToken)
            .ConfigureAwait(false);
        sessionCache.Invalidate(sessionId);
        var tenant = await db.Users.Where(u => u.Id == userId).Select(u => u.TenantId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync("auth.logout", ended > 0 ? AuditOutcome.Success : AuditOutcome.Failure, userId, tenant, client, null, cancellationToken).ConfigureAwait(false);
        return ended > 0;
    }

    public async Task<bool> MarkSecondFactorVerifiedAsync(Guid userId, Guid sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = await db.Sessions.Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SecondFactorVerifiedAt, now), cancellationToken)
            .ConfigureAwait(false);

        // The next request of this session must see the step-up (amr_2fa_at comes from the session), not a 5 s old read.
        sessionCache.Invalidate(sessionId);
        return changed > 0;
    }
}
