using System.Globalization;
using System.Text.Json;
using Foundation.Audit.Storage;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.PersonalData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// GDPR export and erasure of one person across every registered <see cref="IPersonalDataProvider"/> (one per package, plus any the host
/// adds), confined to one tenant. An erasure is recorded (<c>audit_gdpr_erasures</c>) before any provider runs, so one that failed midway is
/// still known and can be retried to completion; providers are idempotent. Both are audited (<c>gdpr.exported</c>, <c>gdpr.erased</c>).
/// </summary>
public sealed class GdprService
{
    private readonly IReadOnlyList<IPersonalDataProvider> _providers;
    private readonly AuditDbContext _db;
    private readonly IAuditEventWriter _audit;
    private readonly ICurrentCaller _caller;
    private readonly TimeProvider _time;
    private readonly ILogger<GdprService> _logger;

    /// <summary>Creates the service.</summary>
    public GdprService(IEnumerable<IPersonalDataProvider> providers, AuditDbContext db, IAuditEventWriter audit, ICurrentCaller caller, TimeProvider time,
        ILogger<GdprService> logger)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _providers = [.. providers.OrderBy(p => p.Name, StringComparer.Ordinal)];
        var duplicate = _providers.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two personal-data providers are named '{duplicate.Key}' ({string.Join(", ", duplicate.Select(p => p.GetType().FullName))}); each section needs its own name.");
        }

        _db = db;
        _audit = audit;
        _caller = caller;
        _time = time;
        _logger = logger;
    }

    /// <summary>The registered sections, in export order.</summary>
    public IReadOnlyList<string> Sections => [.. _providers.Select(p => p.Name)];

    /// <summary>
    /// Everything the providers hold about <paramref name="userId"/> in <paramref name="tenantId"/>, or <see langword="null"/> when nobody
    /// holds anything and the person was never erased there (the HTTP API answers 404: another tenant's user looks like nobody).
    /// </summary>
    /// <exception cref="AuditValidationException">userId is empty or too long.</exception>
    /// <exception cref="PersonalDataUnavailableException">A provider failed.</exception>
    public async Task<PersonalDataExport?> ExportAsync(string? tenantId, string userId, CancellationToken cancellationToken = default)
    {
        var subject = Subject(tenantId, userId);
        var sections = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var provider in _providers)
        {
            if (await RunAsync(provider, "export", (p, ct) => p.ExportAsync(subject, ct), cancellationToken).ConfigureAwait(false) is { } section)
            {
                sections[provider.Name] = section;
            }
        }

        var erasure = await FindErasureAsync(subject, cancellationToken).ConfigureAwait(false);
        if (sections.Count == 0 && erasure is null)
        {
            return null;
        }

        await WriteAuditAsync("gdpr.exported", AuditOutcome.Success, subject, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["sections"] = string.Join(",", sections.Keys),
        }, cancellationToken).ConfigureAwait(false);
        return new PersonalDataExport(subject.TenantId, subject.UserId, _time.GetUtcNow(), erasure?.CompletedAt, sections);
    }

    /// <summary>
    /// Erases <paramref name="userId"/> in <paramref name="tenantId"/> through every provider; <see langword="null"/> when nobody holds
    /// anything about them and no erasure was requested before (404). Repeating a completed erasure succeeds and finds nothing left.
    /// </summary>
    /// <exception cref="AuditValidationException">userId is empty or too long.</exception>
    /// <exception cref="PersonalDataUnavailableException">A provider failed: the others have erased, the request can be repeated.</exception>
    public async Task<PersonalDataErasureReport?> EraseAsync(string? tenantId, string userId, CancellationToken cancellationToken = default)
    {
        var subject = Subject(tenantId, userId);
        var erasure = await FindErasureAsync(subject, cancellationToken).ConfigureAwait(false);
        if (erasure is null)
        {
            if (!await AnyDataAsync(subject, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            erasure = await RecordRequestAsync(subject, cancellationToken).ConfigureAwait(false);
        }

        var done = new SortedDictionary<string, PersonalDataErasure>(StringComparer.Ordinal);
        var failed = new List<string>();
        Exception? firstFailure = null;
        foreach (var provider in _providers)
        {
            try
            {
                done[provider.Name] = await provider.EraseAsync(subject, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // one provider's failure must not stop the others; it is reported and the erasure can be repeated
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "Personal-data provider {Section} failed to erase user {UserId} of tenant {TenantId}; the erasure is incomplete and can be repeated.",
                    provider.Name, subject.UserId, subject.TenantId);
                failed.Add(provider.Name);
                firstFailure ??= ex;
            }
        }

        if (failed.Count > 0)
        {
            await WriteAuditAsync("gdpr.erased", AuditOutcome.Failure, subject, new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["completed"] = string.Join(",", done.Keys),
                ["failed"] = string.Join(",", failed),
            }, cancellationToken).ConfigureAwait(false);
            throw new PersonalDataUnavailableException(
                $"The erasure is incomplete: {string.Join(", ", failed.Select(f => $"'{f}'"))} failed ({firstFailure!.GetType().Name}); {(done.Count == 0 ? "no section" : string.Join(", ", done.Keys.Select(d => $"'{d}'")))} erased. Repeat the request to finish: sections already erased find nothing left.",
                failed, [.. done.Keys], firstFailure);
        }

        var now = Chain.AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow()); // what both databases keep exactly
        if (erasure.CompletedAt is null)
        {
            await _db.Erasures.Where(e => e.TenantId == subject.TenantId && e.UserId == subject.UserId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.CompletedAt, now), cancellationToken).ConfigureAwait(false);
            erasure.CompletedAt = now;
        }

        await WriteAuditAsync("gdpr.erased", AuditOutcome.Success, subject, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["sections"] = string.Join(",", done.Keys),
            ["deleted"] = done.Values.Sum(d => d.Deleted).ToString(CultureInfo.InvariantCulture),
            ["anonymised"] = done.Values.Sum(d => d.Anonymised).ToString(CultureInfo.InvariantCulture),
        }, cancellationToken).ConfigureAwait(false);
        return new PersonalDataErasureReport(subject.TenantId, subject.UserId, erasure.RequestedAt, erasure.CompletedAt.Value, done);
    }

    private static PersonalDataSubject Subject(string? tenantId, string userId)
    {
        if (string.IsNullOrWhiteSpace(userId))
        {
            throw new AuditValidationException("userId", "userId is required.");
        }

        if (userId.Length > AuditColumnLengths.ActorId)
        {
            throw new AuditValidationException("userId", string.Create(CultureInfo.InvariantCulture, $"userId is longer than {AuditColumnLengths.ActorId} characters."));
        }

        return new PersonalDataSubject(tenantId, userId);
    }

    private async Task<bool> AnyDataAsync(PersonalDataSubject subject, CancellationToken cancellationToken)
    {
        foreach (var provider in _providers)
        {
            if (await RunAsync(provider, "export", (p, ct) => p.ExportAsync(subject, ct), cancellationToken).ConfigureAwait(false) is not null)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<AuditErasureEntity?> FindErasureAsync(PersonalDataSubject subject, CancellationToken cancellationToken) =>
        await _db.Erasures.AsNoTracking().FirstOrDefaultAsync(e => e.TenantId == subject.TenantId && e.UserId == subject.UserId, cancellationToken)
            .ConfigureAwait(false);

    private async Task<AuditErasureEntity> RecordRequestAsync(PersonalDataSubject subject, CancellationToken cancellationToken)
    {
        var entity = new AuditErasureEntity
        {
            TenantId = subject.TenantId,
            UserId = subject.UserId,
            RequestedBy = _caller.UserId,
            RequestedAt = Chain.AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow()),
        };
        _db.Erasures.Add(entity);
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return entity;
        }
        catch (DbUpdateException ex)
        {
            // Another request recorded it first (same primary key): continue with theirs.
            return await FindErasureAsync(subject, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The erasure record could not be written.", ex);
        }
        finally
        {
            _db.ChangeTracker.Clear();
        }
    }

    private static async Task<JsonElement?> RunAsync(IPersonalDataProvider provider, string operation,
        Func<IPersonalDataProvider, CancellationToken, Task<JsonElement?>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(provider, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // any provider failure becomes one clear answer naming the section, never a 500
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            throw new PersonalDataUnavailableException($"The personal-data section '{provider.Name}' failed to {operation} ({ex.GetType().Name}); try again later.",
                [provider.Name], [], ex);
        }
    }

    private ValueTask WriteAuditAsync(string action, AuditOutcome outcome, PersonalDataSubject subject, Dictionary<string, string?> data, CancellationToken ct) =>
        _audit.WriteAsync(new AuditEvent(action, outcome)
        {
            OccurredAt = _time.GetUtcNow(),
            TenantId = subject.TenantId.Length == 0 ? null : subject.TenantId,
            ActorUserId = _caller.UserId,
            TargetType = "user",
            TargetId = subject.UserId,
            RequestId = _caller.RequestId,
            Data = data,
        }, ct);
}
