using System.Globalization;
using Foundation.Auditing;
using Foundation.Auth.Totp.Encoding;
using Foundation.Auth.Totp.Otp;
using Foundation.Auth.Totp.Provisioning;
using Foundation.Auth.Totp.Storage;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Auth.Totp;

/// <summary>
/// Two-factor authentication with an authenticator app: setup, enabling, verification with replay protection and
/// brute-force blocking, recovery codes, disabling. Scoped; every state change that decides whether a code is accepted is
/// one conditional UPDATE, so concurrent requests, also on several app instances sharing the database, cannot both win.
/// </summary>
public sealed partial class TotpService
{
    /// <summary>The secret-protector purpose of the stored TOTP secrets.</summary>
    public const string SecretPurpose = "Foundation.Auth.Totp.Secrets";

    private readonly TotpDbContext _db;
    private readonly ISecretProtector _protector;
    private readonly IAuditEventWriter _audit;
    private readonly TimeProvider _time;
    private readonly TotpOptions _options;

    /// <summary>Creates the service.</summary>
    public TotpService(TotpDbContext db, ISecretProtector protector, IAuditEventWriter audit, TimeProvider time, IOptions<TotpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        _protector = protector;
        _audit = audit;
        _time = time;
        _options = options.Value;
    }

    /// <summary>
    /// Starts (or restarts) the setup: a new secret, pending until <see cref="EnableAsync"/> confirms a code from it within
    /// <see cref="TotpOptions.SetupLifetimeMinutes"/>. A pending setup is replaced.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="tenantId">The user's tenant (empty for the default tenant).</param>
    /// <param name="accountName">What the app shows under the issuer, usually the email address.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="AuthConflictException">TOTP is already enabled; disable it first.</exception>
    /// <exception cref="AuthValidationException">The account name or tenant is unusable.</exception>
    public async Task<TotpSetup> BeginSetupAsync(Guid userId, string tenantId, string accountName, CancellationToken cancellationToken = default)
    {
        // The empty string is Foundation.Auth's default tenant.
        ArgumentNullException.ThrowIfNull(tenantId);

        var secret = TotpSecret.Generate(_options.Algorithm);
        string uri;
        try
        {
            uri = OtpAuthUri.Create(_options.Issuer, accountName, secret, _options.Algorithm, _options.Digits, _options.PeriodSeconds);
        }
        catch (ArgumentException ex)
        {
            throw new AuthValidationException("accountName", "The account name cannot be put in an authenticator app: " + ex.Message);
        }

        var now = _time.GetUtcNow();
        var expiresAt = now.AddMinutes(_options.SetupLifetimeMinutes);
        var base32 = Base32.Encode(secret);
        var enrollment = await _db.Enrollments.FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (enrollment is { Status: TotpEnrollmentStatus.Enabled })
        {
            throw new AuthConflictException("Two-factor authentication is already enabled; disable it before setting it up again.");
        }

        if (enrollment is null)
        {
            enrollment = new TotpEnrollmentRecord { UserId = userId };
            _db.Enrollments.Add(enrollment);
        }

        enrollment.TenantId = tenantId;
        enrollment.ProtectedSecret = _protector.Protect(SecretPurpose, base32);
        enrollment.Algorithm = _options.Algorithm;
        enrollment.Digits = _options.Digits;
        enrollment.PeriodSeconds = _options.PeriodSeconds;
        enrollment.Status = TotpEnrollmentStatus.Pending;
        enrollment.CreatedAt = now;
        enrollment.PendingExpiresAt = expiresAt;
        enrollment.EnabledAt = null;
        enrollment.LastUsedTimeStep = null;
        enrollment.FailedCount = 0;
        enrollment.FailureWindowStartedAt = null;
        enrollment.BlockedUntil = null;
        await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await AuditAsync("totp.setup.started", AuditOutcome.Success, userId, tenantId, null, cancellationToken).ConfigureAwait(false);
        return new TotpSetup(base32, uri, TotpQrCode.PngDataUri(uri), TotpQrCode.Svg(uri), expiresAt);
    }

    /// <summary>
    /// Confirms the pending setup with a code from the app, enables TOTP and returns the recovery codes: the only time
    /// they are shown. The confirming code's time step counts as used.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="code">The current code from the app.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The recovery codes, formatted <c>XXXXX-XXXXX</c>.</returns>
    /// <exception cref="AuthConflictException">TOTP is already enabled.</exception>
    /// <exception cref="TotpNotEnrolledException">No setup was started.</exception>
    /// <exception cref="TotpSetupExpiredException">The setup expired.</exception>
    /// <exception cref="AuthValidationException">The code is not a code (letters, wrong length).</exception>
    /// <exception cref="TotpCodeRefusedException">The code is wrong.</exception>
    public async Task<IReadOnlyList<string>> EnableAsync(Guid userId, string code, CancellationToken cancellationToken = default)
    {
        var enrollment = await _db.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken).ConfigureAwait(false)
            ?? throw new TotpNotEnrolledException("No authenticator setup was started; start the setup first.");
        if (enrollment.Status == TotpEnrollmentStatus.Enabled)
        {
            throw new AuthConflictException("Two-factor authentication is already enabled.");
        }

        var now = _time.GetUtcNow();
        if (enrollment.PendingExpiresAt is not { } expires || expires <= now)
        {
            throw new TotpSetupExpiredException();
        }

        var normalized = ValidateCode(code, enrollment.Digits);
        if (!Matches(enrollment, normalized, now, out var step))
        {
            await AuditAsync("totp.enable.failed", AuditOutcome.Failure, userId, enrollment.TenantId, "invalid-code", cancellationToken).ConfigureAwait(false);
            throw new TotpCodeRefusedException(TotpRefusalReason.Invalid);
        }

        var codes = NewRecoveryCodes(out var records, userId);
        var strategy = _db.Database.CreateExecutionStrategy();
        var enabled = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);

            // Only the setup that was checked is enabled: a concurrent enable, or a setup restarted meanwhile, wins instead.
            var secret = enrollment.ProtectedSecret;
            var rows = await _db.Enrollments
                .Where(e => e.UserId == userId && e.Status == TotpEnrollmentStatus.Pending && e.ProtectedSecret == secret)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(e => e.Status, TotpEnrollmentStatus.Enabled)
                        .SetProperty(e => e.EnabledAt, now)
                        .SetProperty(e => e.PendingExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(e => e.LastUsedTimeStep, step),
                    ct)
                .ConfigureAwait(false);
            if (rows != 1)
            {
                return false;
            }

            await _db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            _db.RecoveryCodes.AddRange(records);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        _db.ChangeTracker.Clear();
        if (!enabled)
        {
            throw new AuthConflictException("Two-factor authentication was enabled or set up again meanwhile.");
        }

        await AuditAsync("totp.enabled", AuditOutcome.Success, userId, enrollment.TenantId, null, cancellationToken).ConfigureAwait(false);
        return codes;
    }

    /// <summary>
    /// Verifies a code from the app or a recovery code (exactly one), at login or for a step-up. A code's time step is
    /// accepted once only; a recovery code once only. Wrong codes count towards the block.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="code">A code from the app, or <see langword="null"/>.</param>
    /// <param name="recoveryCode">A recovery code, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="TotpNotEnrolledException">TOTP is not enabled for the user.</exception>
    /// <exception cref="AuthValidationException">Neither or both given, or the input cannot be a code.</exception>
    public async Task<TotpVerificationResult> VerifyAsync(Guid userId, string? code, string? recoveryCode, CancellationToken cancellationToken = default)
    {
        var (enrollment, normalized, isRecovery) = await LoadForVerificationAsync(userId, code, recoveryCode, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (enrollment.BlockedUntil is { } blockedUntil && blockedUntil > now)
        {
            await AuditAsync("totp.verify.failed", AuditOutcome.Denied, userId, enrollment.TenantId, "blocked", cancellationToken).ConfigureAwait(false);
            return await ResultAsync(false, TotpRefusalReason.Blocked, userId, false, blockedUntil, cancellationToken).ConfigureAwait(false);
        }

        return isRecovery
            ? await VerifyRecoveryCodeAsync(enrollment, normalized, now, cancellationToken).ConfigureAwait(false)
            : await VerifyTotpAsync(enrollment, normalized, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Disables TOTP after checking a code or a recovery code (the password is the caller's to check); the recovery codes
    /// and the trusted devices die with the enrolment.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="code">A code from the app, or <see langword="null"/>.</param>
    /// <param name="recoveryCode">A recovery code, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="TotpNotEnrolledException">TOTP is not enabled.</exception>
    /// <exception cref="AuthValidationException">The input cannot be a code.</exception>
    /// <exception cref="TotpCodeRefusedException">The code was refused.</exception>
    public async Task DisableAsync(Guid userId, string? code, string? recoveryCode, CancellationToken cancellationToken = default)
    {
        var result = await VerifyAsync(userId, code, recoveryCode, cancellationToken).ConfigureAwait(false);
        if (!result.Accepted)
        {
            // The failure that starts a block already answers "blocked".
            throw new TotpCodeRefusedException(result.BlockedUntil is null ? result.Reason : TotpRefusalReason.Blocked);
        }

        var tenant = await _db.Enrollments.Where(e => e.UserId == userId).Select(e => e.TenantId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        // The recovery codes and the trusted devices cascade with the enrolment: one statement forgets them all.
        var devices = await _db.TrustedDevices.CountAsync(d => d.UserId == userId, cancellationToken).ConfigureAwait(false);
        var rows = await _db.Enrollments.Where(e => e.UserId == userId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 1)
        {
            await AuditAsync("totp.disabled", AuditOutcome.Success, userId, tenant, null, cancellationToken).ConfigureAwait(false);
            if (devices > 0)
            {
                await AuditAsync("totp.trusted_devices.revoked", AuditOutcome.Success, userId, tenant,
                    string.Create(CultureInfo.InvariantCulture, $"totp-disabled: {devices} revoked"), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Replaces the recovery codes after checking a code or a recovery code; the old codes die.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="code">A code from the app, or <see langword="null"/>.</param>
    /// <param name="recoveryCode">A recovery code, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new codes, shown once.</returns>
    /// <exception cref="TotpNotEnrolledException">TOTP is not enabled.</exception>
    /// <exception cref="AuthValidationException">The input cannot be a code.</exception>
    /// <exception cref="TotpCodeRefusedException">The code was refused.</exception>
    public async Task<IReadOnlyList<string>> RegenerateRecoveryCodesAsync(Guid userId, string? code, string? recoveryCode = null, CancellationToken cancellationToken = default)
    {
        var result = await VerifyAsync(userId, code, recoveryCode, cancellationToken).ConfigureAwait(false);
        if (!result.Accepted)
        {
            // The failure that starts a block already answers "blocked".
            throw new TotpCodeRefusedException(result.BlockedUntil is null ? result.Reason : TotpRefusalReason.Blocked);
        }

        var codes = NewRecoveryCodes(out var records, userId);
        var strategy = _db.Database.CreateExecutionStrategy();
        var tenant = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var tenantId = await _db.Enrollments.Where(e => e.UserId == userId && e.Status == TotpEnrollmentStatus.Enabled)
                .Select(e => e.TenantId).FirstOrDefaultAsync(ct).ConfigureAwait(false);
            if (tenantId is null)
            {
                return null;
            }

            await _db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            _db.RecoveryCodes.AddRange(records);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return tenantId;
        }, cancellationToken).ConfigureAwait(false);
        _db.ChangeTracker.Clear();
        if (tenant is null)
        {
            throw new TotpNotEnrolledException();
        }

        await AuditAsync("totp.recovery_codes.regenerated", AuditOutcome.Success, userId, tenant, null, cancellationToken).ConfigureAwait(false);
        return codes;
    }

    /// <summary>The user's two-factor state.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<TotpStatus> GetStatusAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var enrollment = await _db.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (enrollment is null)
        {
            return new TotpStatus(false, false, null, 0);
        }

        var now = _time.GetUtcNow();
        var enabled = enrollment.Status == TotpEnrollmentStatus.Enabled;
        var pending = !enabled && enrollment.PendingExpiresAt > now;
        var left = enabled ? await CountRecoveryCodesAsync(userId, cancellationToken).ConfigureAwait(false) : 0;
        return new TotpStatus(enabled, pending, enabled ? enrollment.EnabledAt : null, left);
    }

    /// <summary>
    /// The pending setup as <see cref="BeginSetupAsync"/> answered it (same secret and expiry), to show its QR code again;
    /// <see langword="null"/> when no setup is pending or it expired. Changes nothing.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="accountName">What the app shows under the issuer: the same as given to <see cref="BeginSetupAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<TotpSetup?> GetPendingSetupAsync(Guid userId, string accountName, CancellationToken cancellationToken = default)
    {
        var enrollment = await _db.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (enrollment is not { Status: TotpEnrollmentStatus.Pending, PendingExpiresAt: { } expiresAt } || expiresAt <= _time.GetUtcNow())
        {
            return null;
        }

        var base32 = _protector.Unprotect(SecretPurpose, enrollment.ProtectedSecret);
        var uri = OtpAuthUri.Create(_options.Issuer, accountName, Base32.Decode(base32), enrollment.Algorithm, enrollment.Digits, enrollment.PeriodSeconds);
        return new TotpSetup(base32, uri, TotpQrCode.PngDataUri(uri), TotpQrCode.Svg(uri), expiresAt);
    }

    /// <summary>Whether the user has TOTP enabled.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public Task<bool> IsEnabledAsync(Guid userId, CancellationToken cancellationToken = default) =>
        _db.Enrollments.AnyAsync(e => e.UserId == userId && e.Status == TotpEnrollmentStatus.Enabled, cancellationToken);

    private async Task<TotpVerificationResult> VerifyTotpAsync(TotpEnrollmentRecord enrollment, string code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var userId = enrollment.UserId;
        if (!Matches(enrollment, code, now, out var step))
        {
            return await RecordFailureAsync(enrollment, now, "invalid-code", cancellationToken).ConfigureAwait(false);
        }

        // The one statement that decides: a step at or before the last accepted one, or a block, leaves the row alone.
        var rows = await _db.Enrollments
            .Where(e => e.UserId == userId && e.Status == TotpEnrollmentStatus.Enabled
                && (e.LastUsedTimeStep == null || e.LastUsedTimeStep < step)
                && (e.BlockedUntil == null || e.BlockedUntil <= now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(e => e.LastUsedTimeStep, step)
                    .SetProperty(e => e.FailedCount, 0)
                    .SetProperty(e => e.FailureWindowStartedAt, (DateTimeOffset?)null),
                cancellationToken)
            .ConfigureAwait(false);
        if (rows == 1)
        {
            await AuditAsync("totp.verified", AuditOutcome.Success, userId, enrollment.TenantId, null, cancellationToken).ConfigureAwait(false);
            return await ResultAsync(true, TotpRefusalReason.None, userId, false, null, cancellationToken).ConfigureAwait(false);
        }

        var current = await _db.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (current is not { Status: TotpEnrollmentStatus.Enabled })
        {
            await AuditAsync("totp.verify.failed", AuditOutcome.Failure, userId, enrollment.TenantId, "not-enrolled", cancellationToken).ConfigureAwait(false);
            return new TotpVerificationResult(false, TotpRefusalReason.NotEnrolled, 0, false, null);
        }

        if (current.BlockedUntil is { } blockedUntil && blockedUntil > now)
        {
            await AuditAsync("totp.verify.failed", AuditOutcome.Denied, userId, enrollment.TenantId, "blocked", cancellationToken).ConfigureAwait(false);
            return await ResultAsync(false, TotpRefusalReason.Blocked, userId, false, blockedUntil, cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync("totp.replay_refused", AuditOutcome.Denied, userId, enrollment.TenantId,
            string.Create(CultureInfo.InvariantCulture, $"step {step} not after {current.LastUsedTimeStep}"), cancellationToken).ConfigureAwait(false);
        return await ResultAsync(false, TotpRefusalReason.Replayed, userId, false, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TotpVerificationResult> VerifyRecoveryCodeAsync(TotpEnrollmentRecord enrollment, string normalized, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var userId = enrollment.UserId;
        var hash = RecoveryCodes.Hash(normalized);
        var rows = await _db.RecoveryCodes
            .Where(c => c.UserId == userId && c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken)
            .ConfigureAwait(false);
        if (rows != 1)
        {
            return await RecordFailureAsync(enrollment, now, "invalid-recovery-code", cancellationToken).ConfigureAwait(false);
        }

        await _db.Enrollments.Where(e => e.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailedCount, 0).SetProperty(e => e.FailureWindowStartedAt, (DateTimeOffset?)null), cancellationToken)
            .ConfigureAwait(false);
        var result = await ResultAsync(true, TotpRefusalReason.None, userId, true, null, cancellationToken).ConfigureAwait(false);
        await AuditAsync("totp.recovery_code.used", AuditOutcome.Success, userId, enrollment.TenantId,
            string.Create(CultureInfo.InvariantCulture, $"{result.RecoveryCodesLeft} left"), cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<TotpVerificationResult> RecordFailureAsync(TotpEnrollmentRecord enrollment, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        var userId = enrollment.UserId;
        var max = _options.MaxFailedAttempts;
        var windowStart = now.AddMinutes(-_options.FailureWindowMinutes);
        var until = now.AddMinutes(_options.BlockMinutes);

        // Two atomic statements, as in Foundation.Auth's lockout: the increment counts every concurrent failure (starting a
        // new window when the old one is over); the conditional block can succeed for one caller only, as it resets the count.
        await _db.Enrollments.Where(e => e.UserId == userId)
            .ExecuteUpdateAsync(
                s => s.SetProperty(e => e.FailedCount, e => e.FailureWindowStartedAt == null || e.FailureWindowStartedAt <= windowStart ? 1 : e.FailedCount + 1)
                    .SetProperty(e => e.FailureWindowStartedAt, e => e.FailureWindowStartedAt == null || e.FailureWindowStartedAt <= windowStart ? now : e.FailureWindowStartedAt),
                cancellationToken)
            .ConfigureAwait(false);
        var blockedNow = await _db.Enrollments.Where(e => e.UserId == userId && e.FailedCount >= max)
            .ExecuteUpdateAsync(
                s => s.SetProperty(e => e.BlockedUntil, until)
                    .SetProperty(e => e.FailedCount, 0)
                    .SetProperty(e => e.FailureWindowStartedAt, (DateTimeOffset?)null),
                cancellationToken)
            .ConfigureAwait(false) > 0;

        await AuditAsync("totp.verify.failed", AuditOutcome.Failure, userId, enrollment.TenantId, reason, cancellationToken).ConfigureAwait(false);
        if (blockedNow)
        {
            await AuditAsync("totp.blocked", AuditOutcome.Denied, userId, enrollment.TenantId,
                string.Create(CultureInfo.InvariantCulture, $"{max} failed attempts"), cancellationToken).ConfigureAwait(false);
        }

        return await ResultAsync(false, TotpRefusalReason.Invalid, userId, false, blockedNow ? until : null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(TotpEnrollmentRecord Enrollment, string Normalized, bool IsRecovery)> LoadForVerificationAsync(
        Guid userId, string? code, string? recoveryCode, CancellationToken cancellationToken)
    {
        var hasCode = !string.IsNullOrWhiteSpace(code);
        var hasRecovery = !string.IsNullOrWhiteSpace(recoveryCode);
        if (hasCode == hasRecovery)
        {
            throw new AuthValidationException(hasCode ? "recoveryCode" : "code", "Give either a code from the authenticator app or a recovery code.");
        }

        string? normalizedRecovery = null;
        if (hasRecovery)
        {
            normalizedRecovery = RecoveryCodes.Normalize(recoveryCode)
                ?? throw new AuthValidationException("recoveryCode", "A recovery code has 10 letters and digits, such as ABCDE-23456.");
        }
        else
        {
            ValidateCode(code, null);
        }

        var enrollment = await _db.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (enrollment is not { Status: TotpEnrollmentStatus.Enabled })
        {
            throw new TotpNotEnrolledException();
        }

        return normalizedRecovery is not null ? (enrollment, normalizedRecovery, true) : (enrollment, ValidateCode(code, enrollment.Digits), false);
    }

    /// <summary>Checks that <paramref name="code"/> is digits only (spaces tolerated) and, when known, of the right length.</summary>
    private static string ValidateCode(string? code, int? digits)
    {
        var trimmed = (code ?? string.Empty).Trim().Replace(" ", string.Empty, StringComparison.Ordinal);
        if (trimmed.Length == 0 || !trimmed.All(char.IsAsciiDigit))
        {
            throw new AuthValidationException("code", "The code must be the digits the authenticator app shows.");
        }

        if (digits is { } expected ? trimmed.Length != expected : trimmed.Length is < 6 or > 8)
        {
            throw new AuthValidationException("code", string.Create(CultureInfo.InvariantCulture, $"The code must have {digits ?? 6} digits."));
        }

        return trimmed;
    }

    private bool Matches(TotpEnrollmentRecord enrollment, string code, DateTimeOffset now, out long step)
    {
        var secret = Base32.Decode(_protector.Unprotect(SecretPurpose, enrollment.ProtectedSecret));
        return TotpCode.Verify(secret, code, now, _options.Window, out step, enrollment.Digits, enrollment.Algorithm, enrollment.PeriodSeconds);
    }

    private List<string> NewRecoveryCodes(out List<TotpRecoveryCodeRecord> records, Guid userId)
    {
        var codes = new List<string>(_options.RecoveryCodeCount);
        records = new List<TotpRecoveryCodeRecord>(_options.RecoveryCodeCount);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        while (codes.Count < _options.RecoveryCodeCount)
        {
            var code = RecoveryCodes.Generate();
            var hash = RecoveryCodes.Hash(RecoveryCodes.Normalize(code)!);
            if (hashes.Add(hash))
            {
                codes.Add(code);
                records.Add(new TotpRecoveryCodeRecord { Id = Guid.CreateVersion7(), UserId = userId, CodeHash = hash });
            }
        }

        return codes;
    }

    private Task<int> CountRecoveryCodesAsync(Guid userId, CancellationToken cancellationToken) =>
        _db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, cancellationToken);

    private async Task<TotpVerificationResult> ResultAsync(bool accepted, TotpRefusalReason reason, Guid userId, bool usedRecovery, DateTimeOffset? blockedUntil, CancellationToken cancellationToken)
    {
        var left = await CountRecoveryCodesAsync(userId, cancellationToken).ConfigureAwait(false);
        return new TotpVerificationResult(accepted, reason, left, usedRecovery, blockedUntil);
    }

    private ValueTask AuditAsync(string action, AuditOutcome outcome, Guid userId, string? tenant, string? reason, CancellationToken cancellationToken)
    {
        var data = reason is null
            ? new Dictionary<string, string?>(StringComparer.Ordinal)
            : new Dictionary<string, string?>(StringComparer.Ordinal) { ["reason"] = reason };
        return _audit.WriteAsync(
            new AuditEvent(action, outcome)
            {
                OccurredAt = _time.GetUtcNow(),
                ActorUserId = userId.ToString(),
                TenantId = string.IsNullOrEmpty(tenant) ? null : tenant,
                TargetType = "user",
                TargetId = userId.ToString(),
                Data = data,
            },
            cancellationToken);
    }
}
