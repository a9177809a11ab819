using Foundation.Auditing;
using Foundation.Auth.ApiKeys;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>Disables and re-enables accounts: a new security stamp, sessions revoked, both validation caches evicted.</summary>
internal sealed class AccountStatusChanges(
    AuthDbContext db, TimeProvider time, SessionValidationCache sessionCache, ApiKeyValidationCache apiKeyCache, AccountAudit audit)
{
    public async Task<bool> SetStatusAsync(Guid userId, string? tenantId, UserStatus status, ClientInfo client, CancellationToken cancellationToken)
    {
        var tenant = AccountRecords.NormalizeTenant(tenantId);
        var now = time.GetUtcNow();
        var stamp = AccountRecords.NewStamp();
        var changed = await db.Users.Where(u => u.Id == userId && u.TenantId == tenant)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, status).SetProperty(u => u.SecurityStamp, stamp), cancellationToken)
            .ConfigureAwait(false);
        if (changed == 0)
        {
            return false;
        }

        if (status == UserStatus.Disabled)
        {
            await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "user-disabled"), cancellationToken)
                .ConfigureAwait(false);
        }

        sessionCache.InvalidateAll();

        // API keys act as their owner: a disabled owner's keys must stop at once here too.
        apiKeyCache.InvalidateAll();
        await audit.WriteAsync(status == UserStatus.Disabled ? "auth.user.disabled" : "auth.user.enabled", AuditOutcome.Success, userId, tenant, client, null, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
