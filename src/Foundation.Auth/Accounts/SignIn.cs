using Foundation.Auditing;
using Foundation.Auth.Passwords;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>
/// Sign-in: the password check with lockout and the same answer and work for an unknown email, the hash upgrade, the
/// second-factor challenge, and the completion of a login whose second factor was verified.
/// </summary>
internal sealed class SignIn(
    AuthDbContext db,
    IPasswordHasher hasher,
    DummyHash dummyHash,
    IEnumerable<ISecondFactorProvider> secondFactors,
    AuthOptions options,
    TimeProvider time,
    LockoutCounter lockout,
    SecondFactorChallenges challenges,
    SessionStarter sessions,
    AccountAudit audit)
{
    public async Task<LoginResult> LoginAsync(LoginRequest request, ClientInfo client, CancellationToken cancellationToken)
    {
        var tenant = AccountRecords.NormalizeTenant(request.TenantId);
        var password = request.Password ?? string.Empty;
        var normalizedEmail = EmailAddress.TryNormalize(request.Email);

        var user = normalizedEmail is null
            ? null
            : await db.Users.AsNoTracking()
                .FirstOrDefaultAsync(u => u.TenantId == tenant && u.NormalizedEmail == normalizedEmail, cancellationToken)
                .ConfigureAwait(false);

        if (user is null)
        {
            // Same work as for a real account, so timing does not tell whether the email exists.
            _ = hasher.Verify(dummyHash.Value, password);
            await audit.WriteAsync("auth.login", AuditOutcome.Failure, null, tenant, client, "unknown-email", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        var now = time.GetUtcNow();
        var verification = hasher.Verify(user.PasswordHash, password);
        if (user.LockoutEndsAt is { } lockedUntil && lockedUntil > now)
        {
            await audit.WriteAsync("auth.login", AuditOutcome.Denied, user.Id, tenant, client, "locked-out", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        if (verification == PasswordVerification.Failed)
        {
            await lockout.RecordFailureAsync(user, now, client, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        if (user.Status != UserStatus.Active)
        {
            await audit.WriteAsync("auth.login", AuditOutcome.Denied, user.Id, tenant, client, "disabled", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        if (options.RequireConfirmedEmail && user.EmailConfirmedAt is null)
        {
            // After the password check, so only the account's owner learns that the address is unconfirmed.
            await audit.WriteAsync("auth.login", AuditOutcome.Denied, user.Id, tenant, client, "email-not-confirmed", cancellationToken).ConfigureAwait(false);
            throw new AccountMail.EmailNotConfirmedException();
        }

        // The password is right: reset the failure count, upgrade an old hash.
        var newHash = verification == PasswordVerification.SuccessRehashNeeded ? hasher.Hash(password) : null;
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(
                s => s.SetProperty(u => u.FailedLoginCount, 0)
                    .SetProperty(u => u.LockoutEndsAt, (DateTimeOffset?)null)
                    .SetProperty(u => u.PasswordHash, u => newHash ?? u.PasswordHash),
                cancellationToken)
            .ConfigureAwait(false);
        if (newHash is not null)
        {
            await audit.WriteAsync("auth.password.rehashed", AuditOutcome.Success, user.Id, tenant, client, null, cancellationToken).ConfigureAwait(false);
        }

        var methods = new List<string>();
        foreach (var factor in secondFactors)
        {
            if (await factor.IsRequiredAsync(user.Id, request.DeviceToken, cancellationToken).ConfigureAwait(false))
            {
                methods.Add(factor.Name);
            }
        }

        if (methods.Count > 0)
        {
            var challenge = challenges.Issue(user.Id, methods, now);
            await audit.WriteAsync("auth.login.second_factor_required", AuditOutcome.Success, user.Id, tenant, client, string.Join(',', methods), cancellationToken).ConfigureAwait(false);
            return new LoginResult(null, challenge, AccountRecords.ToProfile(user));
        }

        var tokens = await sessions.StartAsync(user, client, null, cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync("auth.login", AuditOutcome.Success, user.Id, tenant, client, null, cancellationToken).ConfigureAwait(false);
        return new LoginResult(tokens, null, AccountRecords.ToProfile(user));
    }

    public async Task<TokenPair> CompleteSecondFactorAsync(string? challengeToken, string method, ClientInfo client, CancellationToken cancellationToken)
    {
        if (!challenges.TryRead(challengeToken, out var userId, out var challengeId))
        {
            throw new AuthenticationFailedException("The second-factor challenge is invalid or has expired; sign in again.");
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false);
        if (user is null || user.Status != UserStatus.Active)
        {
            throw new AuthenticationFailedException("The second-factor challenge is invalid or has expired; sign in again.");
        }

        TokenPair tokens;
        try
        {
            tokens = await sessions.StartAsync(user, client, time.GetUtcNow(), cancellationToken, challengeId).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            db.ChangeTracker.Clear();
            await audit.WriteAsync("auth.login.challenge_reused", AuditOutcome.Denied, user.Id, user.TenantId, client, "second-factor:" + method, cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The second-factor challenge was already used; sign in again.", ex);
        }

        await audit.WriteAsync("auth.login", AuditOutcome.Success, user.Id, user.TenantId, client, "second-factor:" + method, cancellationToken).ConfigureAwait(false);
        return tokens;
    }
}
