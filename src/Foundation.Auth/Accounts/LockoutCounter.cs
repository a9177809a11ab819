using Foundation.Auditing;
using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>Counts wrong passwords toward the lockout (<see cref="AuthOptions.Lockout"/>), atomically in the database.</summary>
internal sealed class LockoutCounter(AuthDbContext db, AuthOptions options, AccountAudit audit)
{
    public async Task RecordFailureAsync(UserRecord user, DateTimeOffset now, ClientInfo client, CancellationToken cancellationToken)
    {
        var max = options.Lockout.MaxFailedAttempts;
        var until = now.AddMinutes(options.Lockout.DurationMinutes);

        // Two atomic statements: the increment counts every concurrent failure; the conditional lock can succeed for
        // one caller only (it resets the count), so each lockout is applied and audited exactly once.
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, u => u.FailedLoginCount + 1), cancellationToken)
            .ConfigureAwait(false);
        var lockedNow = await db.Users.Where(u => u.Id == user.Id && u.FailedLoginCount >= max)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEndsAt, until).SetProperty(u => u.FailedLoginCount, 0), cancellationToken)
            .ConfigureAwait(false) > 0;

        await audit.WriteAsync("auth.login", AuditOutcome.Failure, user.Id, user.TenantId, client, "wrong-password", cancellationToken).ConfigureAwait(false);
        if (lockedNow)
        {
            await audit.WriteAsync("auth.lockout", AuditOutcome.Denied, user.Id, user.TenantId, client, $"{max} failed attempts", cancellationToken).ConfigureAwait(false);
        }
    }
}
