using System.Globalization;
using System.Security.Cryptography;
using Foundation.Auditing;
using Foundation.Auth.Sessions;
using Foundation.Auth.Totp.Storage;
using Foundation.Text;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Totp;

/// <summary>Trusted devices: "remember this device" at verification, so the next logins there skip the second factor.</summary>
public sealed partial class TotpService
{
    /// <summary>The longest device name accepted.</summary>
    public const int MaxDeviceNameLength = TotpColumnLengths.DeviceName;

    /// <summary>
    /// Checks a device name sent by a client: at most <see cref="MaxDeviceNameLength"/> characters, none that
    /// <see cref="DisplayText"/> refuses (control, zero-width, bidirectional or other invisible characters).
    /// Call it before verifying a code, so bad input changes nothing.
    /// </summary>
    /// <param name="deviceName">The name, or <see langword="null"/> for one derived from the user agent.</param>
    /// <returns>The trimmed name, or <see langword="null"/> when none was given.</returns>
    /// <exception cref="AuthValidationException">The name is too long or has a refused character (field <c>deviceName</c>).</exception>
    public static string? ValidateDeviceName(string? deviceName)
    {
        if (string.IsNullOrWhiteSpace(deviceName))
        {
            return null;
        }

        var name = deviceName.Trim();
        if (name.Length > MaxDeviceNameLength)
        {
            throw new AuthValidationException(
                "deviceName",
                string.Create(CultureInfo.InvariantCulture, $"The device name must be at most {MaxDeviceNameLength} characters, without control characters."));
        }

        if (DisplayText.FindRefusedCharacter(name) is { } refused)
        {
            throw new AuthValidationException("deviceName", refused.Describe("The device name"));
        }

        return name;
    }

    /// <summary>
    /// Trusts the device the user just verified a code on: a new 256-bit device token, stored only as its SHA-256, valid
    /// for <see cref="TotpOptions.TrustedDeviceLifetime"/>. Expired devices of the user are forgotten, and the oldest ones
    /// beyond <see cref="TotpOptions.MaxTrustedDevicesPerUser"/>. Call it only after the user passed the second factor.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="deviceName">A name for the device, or <see langword="null"/> to derive one from <paramref name="userAgent"/>.</param>
    /// <param name="userAgent">The client's User-Agent, if any.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token (shown this once) and the device.</returns>
    /// <exception cref="AuthValidationException">The name is unusable (field <c>deviceName</c>).</exception>
    /// <exception cref="TotpNotEnrolledException">TOTP is not enabled for the user.</exception>
    public async Task<TotpTrustedDeviceGrant> TrustDeviceAsync(Guid userId, string? deviceName, string? userAgent, CancellationToken cancellationToken = default)
    {
        var name = ValidateDeviceName(deviceName) ?? DefaultDeviceName(userAgent);
        var tenant = await _db.Enrollments.AsNoTracking()
            .Where(e => e.UserId == userId && e.Status == TotpEnrollmentStatus.Enabled)
            .Select(e => e.TenantId)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new TotpNotEnrolledException();

        var now = _time.GetUtcNow();
        var (token, hash) = TrustedDeviceTokens.Create();
        var record = new TotpTrustedDeviceRecord
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            TenantId = tenant,
            TokenHash = hash,
            Name = name,
            UserAgent = userAgent is { Length: > TotpColumnLengths.UserAgent } ua ? ua[..TotpColumnLengths.UserAgent] : userAgent,
            CreatedAt = now,
            ExpiresAt = now + _options.TrustedDeviceLifetime,
        };

        var keep = _options.MaxTrustedDevicesPerUser - 1;
        var strategy = _db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            await _db.TrustedDevices.Where(d => d.UserId == userId && d.ExpiresAt <= now).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            var oldest = await _db.TrustedDevices.Where(d => d.UserId == userId)
                .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
                .Skip(keep).Select(d => d.Id)
                .ToListAsync(ct).ConfigureAwait(false);
            if (oldest.Count > 0)
            {
                await _db.TrustedDevices.Where(d => oldest.Contains(d.Id)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            }

            _db.TrustedDevices.Add(record);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _db.ChangeTracker.Clear();

        await AuditAsync("totp.trusted_device.added", AuditOutcome.Success, userId, tenant, record.Id.ToString(), cancellationToken).ConfigureAwait(false);
        return new TotpTrustedDeviceGrant(token, ToDevice(record));
    }

    /// <summary>
    /// Whether <paramref name="deviceToken"/> is a trusted, unexpired device of <paramref name="userId"/>; if so, its last
    /// use is recorded and audited (<c>totp.trusted_device.used</c>). A token of another user, an expired, revoked or
    /// malformed one is simply not trusted.
    /// </summary>
    /// <param name="userId">The user who just passed the password check.</param>
    /// <param name="deviceToken">The token the client sent, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<bool> UseTrustedDeviceAsync(Guid userId, string? deviceToken, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(deviceToken))
        {
            return false;
        }

        if (!TrustedDeviceTokens.TryHash(deviceToken, out var hash))
        {
            await AuditAsync("totp.trusted_device.refused", AuditOutcome.Denied, userId, null, "malformed-token", cancellationToken).ConfigureAwait(false);
            return false;
        }

        var now = _time.GetUtcNow();
        var candidates = await _db.TrustedDevices.AsNoTracking()
            .Where(d => d.UserId == userId && d.ExpiresAt > now)
            .Select(d => new { d.Id, d.TokenHash, d.TenantId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var expected = System.Text.Encoding.ASCII.GetBytes(hash);
        Guid? match = null;
        string? tenant = null;
        foreach (var candidate in candidates)
        {
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(candidate.TokenHash), expected))
            {
                match = candidate.Id;
                tenant = candidate.TenantId;
            }
        }

        // The conditional UPDATE re-checks the device still exists and is unexpired (revocation may have raced).
        var used = match is { } id && await _db.TrustedDevices
            .Where(d => d.Id == id && d.UserId == userId && d.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LastUsedAt, now), cancellationToken)
            .ConfigureAwait(false) == 1;
        if (used)
        {
            await AuditAsync("totp.trusted_device.used", AuditOutcome.Success, userId, tenant, match!.Value.ToString(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await AuditAsync("totp.trusted_device.refused", AuditOutcome.Denied, userId, null, "unknown-expired-or-revoked", cancellationToken).ConfigureAwait(false);
        }

        return used;
    }

    /// <summary>The user's unexpired trusted devices, oldest first.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<IReadOnlyList<TotpTrustedDevice>> ListTrustedDevicesAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var records = await _db.TrustedDevices.AsNoTracking()
            .Where(d => d.UserId == userId && d.ExpiresAt > now)
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return records.ConvertAll(ToDevice);
    }

    /// <summary>Revokes one trusted device of the user in the tenant.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="tenantId">The user's tenant (empty for the default tenant).</param>
    /// <param name="deviceId">The device.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether such a device existed (a device of another user or tenant does not, for this caller).</returns>
    public async Task<bool> RevokeTrustedDeviceAsync(Guid userId, string tenantId, Guid deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var rows = await _db.TrustedDevices
            .Where(d => d.Id == deviceId && d.UserId == userId && d.TenantId == tenantId)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (rows > 0)
        {
            await AuditAsync("totp.trusted_device.revoked", AuditOutcome.Success, userId, tenantId, deviceId.ToString(), cancellationToken).ConfigureAwait(false);
        }

        return rows > 0;
    }

    /// <summary>Revokes every trusted device of the user (on request, on a password change, when TOTP is disabled).</summary>
    /// <param name="userId">The user.</param>
    /// <param name="reason">Why, for the audit event (<c>requested</c>, <c>password-changed</c>, ...).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many devices were revoked.</returns>
    public async Task<int> RevokeTrustedDevicesAsync(Guid userId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var rows = await _db.TrustedDevices.Where(d => d.UserId == userId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        var tenant = await _db.Enrollments.AsNoTracking().Where(e => e.UserId == userId).Select(e => e.TenantId)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        await AuditAsync("totp.trusted_devices.revoked", AuditOutcome.Success, userId, tenant,
            string.Create(CultureInfo.InvariantCulture, $"{reason}: {rows} revoked"), cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static string DefaultDeviceName(string? userAgent)
    {
        var device = UserAgentParser.Parse(userAgent);
        var name = (device.Browser, device.OperatingSystem) switch
        {
            ({ } browser, { } os) => browser + " on " + os,
            ({ } browser, null) => browser,
            (null, { } os) => os,
            _ => "Unknown device",
        };
        return name.Length > MaxDeviceNameLength ? name[..MaxDeviceNameLength] : name;
    }

    private static TotpTrustedDevice ToDevice(TotpTrustedDeviceRecord record) =>
        new(record.Id, record.Name, record.CreatedAt, record.LastUsedAt, record.ExpiresAt);
}
