using Foundation.Auditing;
using Foundation.Auth.Passwords;
using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>Creates accounts: the email and password checks, the first account's <c>owner</c> role, its organisation membership.</summary>
internal sealed class AccountRegistration(
    AuthDbContext db, IPasswordHasher hasher, IPasswordPolicy policy, TimeProvider time, AuthOptions options, AccountAudit audit)
{
    public async Task<UserProfile> RegisterAsync(RegisterRequest request, ClientInfo client, CancellationToken cancellationToken)
    {
        var tenant = AccountRecords.NormalizeTenant(request.TenantId);
        var (email, normalizedEmail) = EmailAddress.Validate(request.Email);
        if (string.IsNullOrEmpty(request.Password))
        {
            throw new AuthValidationException("password", "The password is required.");
        }

        var verdict = policy.Validate(request.Password, email);
        if (!verdict.Succeeded)
        {
            throw new AuthValidationException("password", string.Join(" ", verdict.Errors.Select(e => e.Message)), verdict.Errors);
        }

        if (await db.Users.AnyAsync(u => u.TenantId == tenant && u.NormalizedEmail == normalizedEmail, cancellationToken).ConfigureAwait(false))
        {
            throw new AuthConflictException("An account with this email already exists in this tenant.");
        }

        var now = time.GetUtcNow();
        var isFirst = !await db.Users.AnyAsync(u => u.TenantId == tenant, cancellationToken).ConfigureAwait(false);
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenant,
            Email = email,
            NormalizedEmail = normalizedEmail,
            PasswordHash = hasher.Hash(request.Password),
            Status = UserStatus.Active,
            Roles = isFirst ? Foundation.Auth.Roles.Owner : RoleList.Join(options.DefaultRoles),
            SecurityStamp = AccountRecords.NewStamp(),
            CreatedAt = now,
        };
        db.Users.Add(user);
        await Organizations.MembershipRoles.AddOnRegistrationAsync(db, tenant, user.Id, user.Roles, now, cancellationToken).ConfigureAwait(false);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            db.ChangeTracker.Clear();
            throw new AuthConflictException("An account with this email already exists in this tenant.", ex);
        }

        await audit.WriteAsync("auth.user.registered", AuditOutcome.Success, user.Id, tenant, client, null, cancellationToken).ConfigureAwait(false);
        return AccountRecords.ToProfile(user);
    }
}
