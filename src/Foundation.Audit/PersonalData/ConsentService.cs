using System.Globalization;
using Foundation.Audit.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// Consent records (<c>audit_consents</c>): each grant or withdrawal of consent to a purpose, in a version of its text, with its time. Records
/// are only added, never changed: the current state of a purpose is its newest record. Erasing the person deletes them.
/// </summary>
public sealed class ConsentService
{
    private readonly AuditDbContext _db;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public ConsentService(AuditDbContext db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        _db = db;
        _time = time;
    }

    /// <summary>Records that <paramref name="userId"/> granted or withdrew consent to <paramref name="purpose"/> in <paramref name="version"/>.</summary>
    /// <exception cref="AuditValidationException">purpose, version or granted is missing or malformed (naming it).</exception>
    public async Task<ConsentRecord> RecordAsync(string? tenantId, string userId, string? purpose, string? version, bool? granted,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (string.IsNullOrWhiteSpace(purpose))
        {
            throw new AuditValidationException("purpose", "purpose is required: a lower-case name such as marketing.email.");
        }

        if (purpose.Length > AuditColumnLengths.Purpose || !purpose.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'))
        {
            throw new AuditValidationException("purpose", string.Create(CultureInfo.InvariantCulture,
                $"purpose is '{Shorten(purpose)}'; use 1 to {AuditColumnLengths.Purpose} lower-case letters, digits, '.', '_' or '-' (marketing.email)."));
        }

        if (string.IsNullOrWhiteSpace(version))
        {
            throw new AuditValidationException("version", "version is required: the version of the consent text the person saw (2026-12 or 3).");
        }

        if (version.Length > AuditColumnLengths.ConsentVersion || version.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new AuditValidationException("version", string.Create(CultureInfo.InvariantCulture,
                $"version must be 1 to {AuditColumnLengths.ConsentVersion} characters without spaces or control characters."));
        }

        if (granted is not { } isGranted)
        {
            throw new AuditValidationException("granted", "granted is required: true to grant consent, false to withdraw it.");
        }

        var now = Chain.AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow()); // what both databases keep exactly
        var entity = new AuditConsentEntity
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenantId ?? "",
            UserId = userId,
            Purpose = purpose,
            Version = version,
            Granted = isGranted,
            RecordedAt = now,
        };
        _db.Consents.Add(entity);
        await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _db.ChangeTracker.Clear();
        return ToRecord(entity);
    }

    /// <summary><paramref name="userId"/>'s consents in <paramref name="tenantId"/>.</summary>
    public async Task<ConsentState> GetAsync(string? tenantId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var tenant = tenantId ?? "";
        var rows = await _db.Consents.AsNoTracking().Where(c => c.TenantId == tenant && c.UserId == userId).ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var history = rows.OrderByDescending(c => c.RecordedAt).ThenByDescending(c => c.Id).Select(ToRecord).ToList();
        var current = history.GroupBy(c => c.Purpose, StringComparer.Ordinal).Select(g => g.First()).OrderBy(c => c.Purpose, StringComparer.Ordinal).ToList();
        return new ConsentState(current, history);
    }

    private static ConsentRecord ToRecord(AuditConsentEntity c) => new(c.Id, c.Purpose, c.Version, c.Granted, c.RecordedAt);

    private static string Shorten(string value) => value.Length > 80 ? value[..80] + "…" : value;
}
