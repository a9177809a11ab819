using System.Buffers.Text;
using System.Security.Cryptography;
using Foundation.Auditing;
using Foundation.Auth.Accounts;
using Foundation.Auth.Passwords;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.AccountMail;

/// <summary>
/// Account mail: password reset (a single-use token, <see cref="AccountEmailOptions.PasswordResetLifetime"/>, that revokes
/// every session on success), confirmation of the account's address, and change of address confirmed from the new address.
/// Tokens are 256 random bits mailed to the user; only their SHA-256 is stored, and spending one is a conditional UPDATE, so
/// it works once across instances. The anonymous requests (forgot, resend) answer the same whether or not the address has an
/// account and do not reveal a delivery failure. Every outcome is audited (<c>auth.password.reset_requested</c>,
/// <c>auth.password.reset</c>, <c>auth.email.confirmation_sent</c>, <c>auth.email.confirmed</c>,
/// <c>auth.email.change_requested</c>, <c>auth.email.changed</c>).
/// </summary>
public sealed partial class AccountEmailService
{
    /// <summary>The most reset links one forgot-password request sends (one per account with the address).</summary>
    private const int MaxResetLinksPerRequest = 10;

    private const string TokenRefused = "The link is invalid, expired or already used; ask for a new one.";

    private readonly AuthDbContext _db;
    private readonly IEmailSender? _sender;
    private readonly IAccountEmailTemplates _templates;
    private readonly IPasswordHasher _hasher;
    private readonly IPasswordPolicy _policy;
    private readonly IAuditEventWriter _audit;
    private readonly IEnumerable<ISecondFactorProvider> _secondFactors;
    private readonly SessionValidationCache _sessionCache;
    private readonly TimeProvider _time;
    private readonly AuthOptions _options;
    private readonly DummyHash _dummyHash;
    private readonly ILogger<AccountEmailService> _logger;

    /// <summary>Creates the service; <paramref name="sender"/> may be absent (then every mailing request is refused with <see cref="EmailDeliveryException"/>).</summary>
    internal AccountEmailService(
        AuthDbContext db,
        IEmailSender? sender,
        IAccountEmailTemplates templates,
        IPasswordHasher hasher,
        IPasswordPolicy policy,
        IAuditEventWriter audit,
        IEnumerable<ISecondFactorProvider> secondFactors,
        SessionValidationCache sessionCache,
        TimeProvider time,
        IOptions<AuthOptions> options,
        DummyHash dummyHash,
        ILogger<AccountEmailService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        _sender = sender;
        _templates = templates;
        _hasher = hasher;
        _policy = policy;
        _audit = audit;
        _secondFactors = secondFactors;
        _sessionCache = sessionCache;
        _time = time;
        _options = options.Value;
        _dummyHash = dummyHash;
        _logger = logger;
    }

    private AccountEmailOptions Mail => _options.AccountEmail;

    /// <summary>
    /// Mails a password-reset link to <paramref name="email"/> if it is an active account of the tenant; with no tenant named,
    /// one link for each active account with that address (the default tenant's, and those invitations made in organisations'
    /// tenants; at most 10). Returns the same way
    /// whether or not it is, and whether or not the mail could be delivered (a failure is logged and audited, not answered).
    /// </summary>
    /// <exception cref="AuthValidationException">The address or tenant is malformed.</exception>
    /// <exception cref="EmailDeliveryException">No e-mail sender is registered (checked before anything else).</exception>
    public async Task ForgotPasswordAsync(string? email, string? tenantId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var sender = RequireSender();
        var tenant = AccountService.NormalizeTenant(tenantId);
        var (_, normalized) = EmailAddress.Validate(email);
        var user = await FindActiveAsync(tenant, normalized, cancellationToken).ConfigureAwait(false);
        List<UserRecord> users = user is null ? [] : [user];
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            // No tenant named: accounts that invitations made in an organisation's tenant have this address too, and their
            // holders cannot be expected to know a tenant id. Each active one gets its own link, to the address it was made
            // for; the answer stays the same whatever exists, and a link resets only its own account.
            users.AddRange(await _db.Users.AsNoTracking()
                .Where(u => u.NormalizedEmail == normalized && u.TenantId != tenant && u.Status == UserStatus.Active)
                .OrderBy(u => u.CreatedAt).Take(MaxResetLinksPerRequest)
                .ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        if (users.Count == 0)
        {
            await AuditAsync("auth.password.reset_requested", AuditOutcome.Failure, null, tenant, client, "unknown-email", cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var account in users.Take(MaxResetLinksPerRequest))
        {
            await IssueAndSendAsync(sender, account, AccountTokenPurposes.PasswordReset, account.Email, Mail.PasswordResetLifetime, Mail.ResetPasswordPath,
                "auth.password.reset_requested", _templates.PasswordReset, throwOnFailure: false, client, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sets a new password with a reset token: the token is spent, the security stamp changes, every session of the user is
    /// revoked (so every refresh token and access token dies), any lockout ends and the address counts as confirmed.
    /// </summary>
    /// <exception cref="AuthValidationException">The token is invalid, expired or used (field <c>token</c>), or the password is unacceptable (field <c>newPassword</c>).</exception>
    public async Task ResetPasswordAsync(string? token, string? newPassword, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrEmpty(newPassword))
        {
            throw new AuthValidationException("newPassword", "The new password is required.");
        }

        var now = _time.GetUtcNow();
        var record = await FindUsableAsync(token, [AccountTokenPurposes.PasswordReset], now, cancellationToken).ConfigureAwait(false);
        var user = record is null ? null : await _db.Users.FirstOrDefaultAsync(u => u.Id == record.UserId, cancellationToken).ConfigureAwait(false);
        if (record is null || user is null || user.Status != UserStatus.Active)
        {
            await AuditAsync("auth.password.reset", AuditOutcome.Failure, record?.UserId, record?.TenantId, client, "invalid-token", cancellationToken).ConfigureAwait(false);
            throw new AuthValidationException("token", TokenRefused);
        }

        var verdict = _policy.Validate(newPassword, user.Email);
        if (!verdict.Succeeded)
        {
            throw new AuthValidationException("newPassword", string.Join(" ", verdict.Errors.Select(e => e.Message)), verdict.Errors);
        }

        var hash = _hasher.Hash(newPassword);
        var revoked = 0;
        var strategy = _db.Database.CreateExecutionStrategy();
        var spent = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var scope = transaction.ConfigureAwait(false);
            if (!await SpendAsync(record.Id, now, ct).ConfigureAwait(false))
            {
                return false;
            }

            // Every other outstanding reset link of the account dies with this one.
            await _db.AccountTokens.Where(t => t.UserId == user.Id && t.Purpose == AccountTokenPurposes.PasswordReset && t.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct).ConfigureAwait(false);
            revoked = await _db.Sessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "password-reset"), ct)
                .ConfigureAwait(false);
            var stamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            await _db.Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(u => u.PasswordHash, hash)
                        .SetProperty(u => u.SecurityStamp, stamp)
                        .SetProperty(u => u.FailedLoginCount, 0)
                        .SetProperty(u => u.LockoutEndsAt, (DateTimeOffset?)null)
                        .SetProperty(u => u.EmailConfirmedAt, u => u.EmailConfirmedAt ?? now),
                    ct)
                .ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (!spent)
        {
            await AuditAsync("auth.password.reset", AuditOutcome.Denied, user.Id, user.TenantId, client, "token-already-used", cancellationToken).ConfigureAwait(false);
            throw new AuthValidationException("token", TokenRefused);
        }

        _sessionCache.InvalidateAll();
        await AuditAsync("auth.password.reset", AuditOutcome.Success, user.Id, user.TenantId, client, $"sessions-revoked:{revoked}", cancellationToken).ConfigureAwait(false);
        foreach (var factor in _secondFactors)
        {
            try
            {
                await factor.OnPasswordChangedAsync(user.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The reset has committed; a provider's failure must not turn it into an error answer.
                await AuditAsync("auth.password.reset.second_factor_hook_failed", AuditOutcome.Failure, user.Id, user.TenantId, client,
                    factor.Name + ": " + ex.GetType().Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Mails a confirmation link for the account's current address, unless it is confirmed already. Registration calls it;
    /// a delivery failure is thrown (<see cref="EmailDeliveryException"/>) for the caller to decide.
    /// </summary>
    /// <returns>Whether a message was sent.</returns>
    public async Task<bool> SendConfirmationAsync(Guid userId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var sender = RequireSender();
        var user = await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false);
        if (user is null || user.EmailConfirmedAt is not null || user.Status != UserStatus.Active)
        {
            return false;
        }

        return await IssueAndSendAsync(sender, user, AccountTokenPurposes.EmailConfirmation, user.Email, Mail.ConfirmationLifetime, Mail.ConfirmEmailPath,
            "auth.email.confirmation_sent", _templates.EmailConfirmation, throwOnFailure: true, client, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What <c>POST /api/v1/auth/register</c> does after creating an account: mails the confirmation link when
    /// <see cref="AccountEmailOptions.SendConfirmationOnRegistration"/> is on and an e-mail sender is registered. A delivery
    /// failure is logged and audited, not thrown: the account exists, and the user can ask for a new link.
    /// </summary>
    public async Task SendConfirmationAfterRegistrationAsync(Guid userId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        if (!Mail.SendConfirmationOnRegistration || _sender is null)
        {
            return;
        }

        try
        {
            await SendConfirmationAsync(userId, client, cancellationToken).ConfigureAwait(false);
        }
        catch (EmailDeliveryException)
        {
            // Logged and audited by IssueAndSendAsync.
        }
    }

    /// <summary>
    /// Mails a new confirmation link to <paramref name="email"/> if it is an unconfirmed active account of the tenant; answers
    /// the same way otherwise (for the user who cannot sign in until confirmed).
    /// </summary>
    /// <exception cref="AuthValidationException">The address or tenant is malformed.</exception>
    /// <exception cref="EmailDeliveryException">No e-mail sender is registered (checked before anything else).</exception>
    public async Task ResendConfirmationAsync(string? email, string? tenantId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var sender = RequireSender();
        var tenant = AccountService.NormalizeTenant(tenantId);
        var (_, normalized) = EmailAddress.Validate(email);
        var user = await FindActiveAsync(tenant, normalized, cancellationToken).ConfigureAwait(false);
        if (user is null || user.EmailConfirmedAt is not null)
        {
            await AuditAsync("auth.email.confirmation_sent", AuditOutcome.Failure, user?.Id, tenant, client, user is null ? "unknown-email" : "already-confirmed", cancellationToken).ConfigureAwait(false);
            return;
        }

        await IssueAndSendAsync(sender, user, AccountTokenPurposes.EmailConfirmation, user.Email, Mail.ConfirmationLifetime, Mail.ConfirmEmailPath,
            "auth.email.confirmation_sent", _templates.EmailConfirmation, throwOnFailure: false, client, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Spends a confirmation token: for a new account, marks its address confirmed; for a change of address, makes the new
    /// address the account's (confirmed) and tells the old address.
    /// </summary>
    /// <exception cref="AuthValidationException">The token is invalid, expired or used, or the address changed since it was sent (field <c>token</c>).</exception>
    /// <exception cref="AuthConflictException">The new address belongs to another account of the tenant by now.</exception>
    public async Task<UserProfile> ConfirmEmailAsync(string? token, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = _time.GetUtcNow();
        var record = await FindUsableAsync(token, [AccountTokenPurposes.EmailConfirmation, AccountTokenPurposes.EmailChange], now, cancellationToken).ConfigureAwait(false);
        var user = record is null ? null : await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == record.UserId, cancellationToken).ConfigureAwait(false);
        if (record is null || user is null || user.Status != UserStatus.Active
            || (string.Equals(record.Purpose, AccountTokenPurposes.EmailConfirmation, StringComparison.Ordinal) && !string.Equals(user.NormalizedEmail, record.NormalizedEmail, StringComparison.Ordinal)))
        {
            await AuditAsync("auth.email.confirmed", AuditOutcome.Failure, record?.UserId, record?.TenantId, client, "invalid-token", cancellationToken).ConfigureAwait(false);
            throw new AuthValidationException("token", TokenRefused);
        }

        var change = string.Equals(record.Purpose, AccountTokenPurposes.EmailChange, StringComparison.Ordinal);
        if (change && await _db.Users.AnyAsync(u => u.TenantId == user.TenantId && u.NormalizedEmail == record.NormalizedEmail && u.Id != user.Id, cancellationToken).ConfigureAwait(false))
        {
            throw new AuthConflictException("Another account of this tenant uses that address now; the address was not changed.");
        }

        var strategy = _db.Database.CreateExecutionStrategy();
        bool spent;
        try
        {
            spent = await strategy.ExecuteAsync(async ct =>
            {
                var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using var scope = transaction.ConfigureAwait(false);
                if (!await SpendAsync(record.Id, now, ct).ConfigureAwait(false))
                {
                    return false;
                }

                if (change)
                {
                    await _db.AccountTokens.Where(t => t.UserId == user.Id && t.UsedAt == null
                            && (t.Purpose == AccountTokenPurposes.EmailChange || t.Purpose == AccountTokenPurposes.EmailConfirmation))
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct).ConfigureAwait(false);
                    await _db.Users.Where(u => u.Id == user.Id)
                        .ExecuteUpdateAsync(
                            s => s.SetProperty(u => u.Email, record.Email!)
                                .SetProperty(u => u.NormalizedEmail, record.NormalizedEmail!)
                                .SetProperty(u => u.EmailConfirmedAt, now),
                            ct)
                        .ConfigureAwait(false);
                }
                else
                {
                    // Every other confirmation link of the account is spent with this one.
                    await _db.AccountTokens.Where(t => t.UserId == user.Id && t.UsedAt == null && t.Purpose == AccountTokenPurposes.EmailConfirmation)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct).ConfigureAwait(false);
                    await _db.Users.Where(u => u.Id == user.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmedAt, u => u.EmailConfirmedAt ?? now), ct)
                        .ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            // The unique (tenant_id, normalized_email) index: another account took the address between the check and the update.
            _db.ChangeTracker.Clear();
            throw new AuthConflictException("Another account of this tenant uses that address now; the address was not changed.", ex);
        }

        if (!spent)
        {
            await AuditAsync("auth.email.confirmed", AuditOutcome.Denied, user.Id, user.TenantId, client, "token-already-used", cancellationToken).ConfigureAwait(false);
            throw new AuthValidationException("token", TokenRefused);
        }

        _sessionCache.InvalidateAll();
        if (change)
        {
            await AuditAsync("auth.email.changed", AuditOutcome.Success, user.Id, user.TenantId, client, null, cancellationToken).ConfigureAwait(false);
            await NotifyOldAddressAsync(user, record.Email!, client, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await AuditAsync("auth.email.confirmed", AuditOutcome.Success, user.Id, user.TenantId, client, null, cancellationToken).ConfigureAwait(false);
        }

        var updated = await _db.Users.AsNoTracking().FirstAsync(u => u.Id == user.Id, cancellationToken).ConfigureAwait(false);
        return new UserProfile(updated.Id, updated.Email, updated.TenantId, RoleList.Split(updated.Roles), updated.Status, updated.CreatedAt, updated.LastLoginAt);
    }

    /// <summary>
    /// Starts a change of the signed-in user's address: checks the current password and mails a confirmation link to the new
    /// address. The account keeps its address until the link is used.
    /// </summary>
    /// <exception cref="AuthValidationException">The new address is missing, malformed or the current one (field <c>newEmail</c>), or the password is missing.</exception>
    /// <exception cref="AuthenticationFailedException">The current password is wrong.</exception>
    /// <exception cref="AuthConflictException">Another account of the tenant has the new address.</exception>
    /// <exception cref="EmailDeliveryException">The message could not be delivered (nothing was changed).</exception>
    public async Task RequestEmailChangeAsync(Guid userId, string? currentPassword, string? newEmail, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var sender = RequireSender();
        if (string.IsNullOrEmpty(currentPassword))
        {
            throw new AuthValidationException("currentPassword", "The current password is required.");
        }

        string email;
        string normalized;
        try
        {
            (email, normalized) = EmailAddress.Validate(newEmail);
        }
        catch (AuthValidationException ex)
        {
            throw new AuthValidationException("newEmail", ex.Message.Replace("The email", "The new email", StringComparison.Ordinal));
        }

        var user = await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false);
        if (user is null || user.Status != UserStatus.Active)
        {
            throw new AuthenticationFailedException("The account no longer exists or is disabled.");
        }

        if (user.LockoutEndsAt is { } lockedUntil && lockedUntil > _time.GetUtcNow())
        {
            throw new AuthenticationFailedException("The account is temporarily locked after too many failed attempts; try again later.");
        }

        if (_hasher.Verify(user.PasswordHash, currentPassword) == PasswordVerification.Failed)
        {
            await AuditAsync("auth.email.change_requested", AuditOutcome.Failure, user.Id, user.TenantId, client, "wrong-current-password", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException("The current password is wrong.");
        }

        if (string.Equals(normalized, user.NormalizedEmail, StringComparison.Ordinal))
        {
            throw new AuthValidationException("newEmail", "The new email is the account's current address.");
        }

        if (await _db.Users.AnyAsync(u => u.TenantId == user.TenantId && u.NormalizedEmail == normalized, cancellationToken).ConfigureAwait(false))
        {
            throw new AuthConflictException("Another account of this tenant already uses that address.");
        }

        await IssueAndSendAsync(sender, user, AccountTokenPurposes.EmailChange, email, Mail.ConfirmationLifetime, Mail.ConfirmEmailPath,
            "auth.email.change_requested", _templates.EmailChange, throwOnFailure: true, client, cancellationToken, newEmail: email).ConfigureAwait(false);
    }

    private IEmailSender RequireSender() =>
        _sender ?? throw new EmailDeliveryException(
            "No e-mail sender is registered, so account mail cannot be sent: add Foundation.Email (AddFoundationEmail) or register an IEmailSender.");

    private async Task<UserRecord?> FindActiveAsync(string tenant, string normalizedEmail, CancellationToken cancellationToken)
    {
        var user = await _db.Users.AsNoTracking()
            .FirstOrDefaultAsync(u => u.TenantId == tenant && u.NormalizedEmail == normalizedEmail, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            // About the work of issuing a token for a real account, so timing tells less about whether the address exists.
            _ = _hasher.Verify(_dummyHash.Value, normalizedEmail);
            return null;
        }

        return user.Status == UserStatus.Active ? user : null;
    }

    private async Task<AccountTokenRecord?> FindUsableAsync(string? token, string[] purposes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!TryHash(token, out var hash))
        {
            return null;
        }

        var record = await _db.AccountTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken).ConfigureAwait(false);
        return record is not null && purposes.Contains(record.Purpose) && record.UsedAt is null && record.ExpiresAt > now ? record : null;
    }

    /// <summary>Marks the token used if nobody did first and it has not expired: exactly one caller gets <see langword="true"/>.</summary>
    private async Task<bool> SpendAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await _db.AccountTokens.Where(t => t.Id == id && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken).ConfigureAwait(false) == 1;

    private async Task<bool> IssueAndSendAsync(
        IEmailSender sender,
        UserRecord user,
        string purpose,
        string to,
        TimeSpan lifetime,
        string path,
        string auditAction,
        Func<AccountEmailContext, EmailMessage> template,
        bool throwOnFailure,
        ClientInfo client,
        CancellationToken cancellationToken,
        string? newEmail = null)
    {
        var now = _time.GetUtcNow();
        var since = now - lifetime;
        var recent = await _db.AccountTokens.CountAsync(t => t.UserId == user.Id && t.Purpose == purpose && t.CreatedAt > since, cancellationToken).ConfigureAwait(false);
        if (recent >= Mail.MaxMessagesPerLifetime)
        {
            await AuditAsync(auditAction, AuditOutcome.Denied, user.Id, user.TenantId, client, "too-many-messages", cancellationToken).ConfigureAwait(false);
            if (throwOnFailure)
            {
                throw new AuthConflictException("Too many messages of this kind were sent to this account recently; use the last one, or try again later.");
            }

            return false;
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var record = new AccountTokenRecord
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Id,
            TenantId = user.TenantId,
            Purpose = purpose,
            TokenHash = Hash(token),
            Email = to,
            NormalizedEmail = EmailAddress.TryNormalize(to),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        _db.AccountTokens.Add(record);
        await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        var message = template(new AccountEmailContext(to, token, Link(path, token), record.ExpiresAt, Mail.ServiceName, newEmail));
        try
        {
            await sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (EmailDeliveryException ex)
        {
            // The token was never delivered: spend it, so it cannot count against anything or be found later.
            await _db.AccountTokens.Where(t => t.Id == record.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), CancellationToken.None).ConfigureAwait(false);
            LogDeliveryFailed(_logger, purpose, user.Id, ex.Message);
            await AuditAsync(auditAction, AuditOutcome.Failure, user.Id, user.TenantId, client, "delivery-failed", cancellationToken).ConfigureAwait(false);
            if (throwOnFailure)
            {
                throw;
            }

            return false;
        }

        await AuditAsync(auditAction, AuditOutcome.Success, user.Id, user.TenantId, client, null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task NotifyOldAddressAsync(UserRecord user, string newEmail, ClientInfo client, CancellationToken cancellationToken)
    {
        if (_sender is null)
        {
            return;
        }

        try
        {
            var message = _templates.EmailChanged(new AccountEmailContext(user.Email, null, null, _time.GetUtcNow(), Mail.ServiceName, newEmail));
            await _sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (EmailDeliveryException ex)
        {
            // The change has committed; the notice is best effort.
            LogDeliveryFailed(_logger, "email-changed", user.Id, ex.Message);
            await AuditAsync("auth.email.changed.notice_failed", AuditOutcome.Failure, user.Id, user.TenantId, client, "delivery-failed", cancellationToken).ConfigureAwait(false);
        }
    }

    private Uri? Link(string path, string token)
    {
        if (Mail.PublicBaseUrl is not { } baseUrl)
        {
            return null;
        }

        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        return new Uri(root + path + "?token=" + Uri.EscapeDataString(token), UriKind.Absolute);
    }

    internal static bool TryHash(string? token, out string hash)
    {
        hash = string.Empty;
        if (string.IsNullOrEmpty(token) || token.Length != 43 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        hash = Hash(token);
        return true;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)));

    private ValueTask AuditAsync(string action, AuditOutcome outcome, Guid? userId, string? tenant, ClientInfo client, string? reason, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (reason is not null)
        {
            data["reason"] = reason;
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

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Account mail {Purpose} for user {UserId} could not be delivered: {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, string purpose, Guid userId, string reason);
}
