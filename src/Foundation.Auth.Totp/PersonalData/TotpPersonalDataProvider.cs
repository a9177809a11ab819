using System.Text.Json;
using Foundation.Auth.Totp.Storage;
using Foundation.PersonalData;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Totp.PersonalData;

/// <summary>
/// Foundation.Auth.Totp's personal data (section <c>totp</c>): the enrolment's status and parameters, how many recovery codes remain and the
/// trusted devices; never the secret nor a code's hash. Erasing deletes the enrolment, the recovery codes and the trusted devices.
/// </summary>
internal sealed class TotpPersonalDataProvider : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TotpDbContext _db;

    public TotpPersonalDataProvider(TotpDbContext db) => _db = db;

    public string Name => "totp";

    public async Task<JsonElement?> ExportAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (!Guid.TryParse(subject.UserId, out var userId))
        {
            return null;
        }

        var enrolment = await _db.Enrollments.AsNoTracking().FirstOrDefaultAsync(e => e.UserId == userId && e.TenantId == subject.TenantId, cancellationToken)
            .ConfigureAwait(false);
        var devices = await _db.TrustedDevices.AsNoTracking().Where(d => d.UserId == userId && d.TenantId == subject.TenantId).ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        if (enrolment is null && devices.Count == 0)
        {
            return null;
        }

        var codes = enrolment is null ? 0 : await _db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(new
        {
            Enrolment = enrolment is null ? null : new
            {
                Status = enrolment.Status.ToString().ToLowerInvariant(), Algorithm = enrolment.Algorithm.ToString(), enrolment.Digits, enrolment.PeriodSeconds,
                enrolment.CreatedAt, enrolment.EnabledAt, enrolment.BlockedUntil, RecoveryCodesRemaining = codes,
            },
            TrustedDevices = devices.OrderBy(d => d.CreatedAt).Select(d => new { d.Id, d.Name, d.UserAgent, d.CreatedAt, d.LastUsedAt, d.ExpiresAt }),
        }, Json);
    }

    public async Task<PersonalDataErasure> EraseAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (!Guid.TryParse(subject.UserId, out var userId))
        {
            return PersonalDataErasure.Nothing;
        }

        var strategy = _db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var tx = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var enrolments = await _db.Enrollments.Where(e => e.UserId == userId && e.TenantId == subject.TenantId).ExecuteDeleteAsync(ct).ConfigureAwait(false);

                // Recovery codes carry no tenant: they go with the enrolment they belonged to (a user id lives in one tenant).
                var codes = enrolments > 0 ? await _db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct).ConfigureAwait(false) : 0;
                var devices = await _db.TrustedDevices.Where(d => d.UserId == userId && d.TenantId == subject.TenantId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return new PersonalDataErasure(enrolments + codes + devices, 0);
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
