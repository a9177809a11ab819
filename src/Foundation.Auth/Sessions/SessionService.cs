using System.Globalization;
using Foundation.Auditing;
using Foundation.Auth.Storage;
using Foundation.Callers;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Sessions;

/// <summary>
/// A user's sessions (logins on devices): list, statistics and revocation. Every query is scoped to the user
/// <em>and</em> the tenant, so a session of another tenant or user is "not found", never revealed.
/// </summary>
public sealed class SessionService
{
    /// <summary>The audit action of each revocation.</summary>
    public const string RevokedAuditAction = "auth.session.revoked";

    private const string Unknown = "unknown";

    private readonly AuthDbContext _db;
    private readonly TimeProvider _timeProvider;
    private readonly IAuditEventWriter _audit;
    private readonly ICurrentCaller _caller;
    private readonly SessionValidationCache _cache;

    /// <summary>Creates the service.</summary>
    internal SessionService(AuthDbContext db, TimeProvider timeProvider, IAuditEventWriter audit, ICurrentCaller caller, SessionValidationCache cache)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(cache);
        _db = db;
        _timeProvider = timeProvider;
        _audit = audit;
        _caller = caller;
        _cache = cache;
    }

    /// <summary>
    /// Makes (does not store) a session for a login now: a version 7 id, the device parsed from
    /// <paramref name="userAgent"/> (kept to 512 characters), created and last seen now.
    /// </summary>
    public SessionRecord NewSession(Guid userId, string tenantId, string? ipAddress, string? userAgent, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var now = _timeProvider.GetUtcNow();
        var device = UserAgentParser.Parse(userAgent);
        return new SessionRecord
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            TenantId = tenantId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = expiresAt.ToUniversalTime(),
            IpAddress = ipAddress is { Length: > AuthColumnLengths.IpAddress } ? ipAddress[..AuthColumnLengths.IpAddress] : ipAddress,
            UserAgent = userAgent is { Length: > AuthColumnLengths.UserAgent } ? userAgent[..AuthColumnLengths.UserAgent] : userAgent,
            Browser = device.Browser,
            OperatingSystem = device.OperatingSystem,
            DeviceType = device.DeviceType,
        };
    }

    /// <summary>The user's active sessions (neither revoked nor expired), newest first.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="tenantId">The user's tenant.</param>
    /// <param name="currentSessionId">The caller's session (its <c>sid</c>), marked <see cref="SessionInfo.IsCurrent"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<SessionInfo>> ListAsync(Guid userId, string tenantId, Guid? currentSessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var now = _timeProvider.GetUtcNow();
        var rows = await Active(userId, tenantId, now)
            .OrderByDescending(s => s.CreatedAt)
            .ThenByDescending(s => s.Id)
            .Select(s => new { s.Id, s.Browser, s.OperatingSystem, s.DeviceType, s.IpAddress, s.CreatedAt, s.LastSeenAt, s.ExpiresAt })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(s => new SessionInfo(
            s.Id,
            new DeviceInfo(s.Browser, s.OperatingSystem, s.DeviceType ?? DeviceTypes.Other),
            s.IpAddress,
            s.CreatedAt,
            s.LastSeenAt,
            s.ExpiresAt,
            s.Id == currentSessionId));
    }

    /// <summary>Counts of the user's active sessions by device type, browser and operating system, and the last activity.</summary>
    public async Task<SessionStats> GetStatsAsync(Guid userId, string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var now = _timeProvider.GetUtcNow();
        var rows = await Active(userId, tenantId, now)
            .Select(s => new { s.Browser, s.OperatingSystem, s.DeviceType, s.LastSeenAt })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var byDevice = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byBrowser = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byOs = new SortedDictionary<string, int>(StringComparer.Ordinal);
        DateTimeOffset? last = null;
        foreach (var row in rows)
        {
            Increment(byDevice, row.DeviceType ?? DeviceTypes.Other);
            Increment(byBrowser, Family(row.Browser));
            Increment(byOs, Family(row.OperatingSystem));
            if (last is null || row.LastSeenAt > last)
            {
                last = row.LastSeenAt;
            }
        }

        return new SessionStats(rows.Count, byDevice, byBrowser, byOs, last);
    }

    /// <summary>
    /// Revokes the session <paramref name="sessionId"/> of the user in the tenant.
    /// </summary>
    /// <returns><see langword="false"/> when no such session exists for this user in this tenant (answer 404);
    /// <see langword="true"/> when it is now revoked (also when it already was).</returns>
    public async Task<bool> RevokeAsync(Guid userId, string tenantId, Guid sessionId, string reason = SessionRevocationReasons.Revoked, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var revoked = await RevokeWhereAsync(userId, tenantId, s => s.Id == sessionId, reason, cancellationToken).ConfigureAwait(false);
        if (revoked.Count > 0)
        {
            return true;
        }

        return await _db.Sessions.AsNoTracking()
            .AnyAsync(s => s.Id == sessionId && s.UserId == userId && s.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Revokes every active session of the user in the tenant, except <paramref name="exceptSessionId"/> when given
    /// (the caller's own: "log out other devices"); without it, all of them ("log out everywhere").
    /// </summary>
    /// <returns>How many sessions were revoked.</returns>
    public async Task<int> RevokeAllAsync(Guid userId, string tenantId, Guid? exceptSessionId = null, string reason = SessionRevocationReasons.Revoked, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var revoked = exceptSessionId is { } except
            ? await RevokeWhereAsync(userId, tenantId, s => s.Id != except, reason, cancellationToken).ConfigureAwait(false)
            : await RevokeWhereAsync(userId, tenantId, _ => true, reason, cancellationToken).ConfigureAwait(false);
        return revoked.Count;
    }

    private IQueryable<SessionRecord> Active(Guid userId, string tenantId, DateTimeOffset now) =>
        _db.Sessions.AsNoTracking().Where(s => s.UserId == userId && s.TenantId == tenantId && s.RevokedAt == null && s.ExpiresAt > now);

    /// <summary>Revokes the matching unrevoked sessions of the user in one transaction, then evicts and audits each.</summary>
    private async Task<List<Guid>> RevokeWhereAsync(
        Guid userId, string tenantId, System.Linq.Expressions.Expression<Func<SessionRecord, bool>> filter, string reason, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var strategy = _db.Database.CreateExecutionStrategy();
        var revoked = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var scope = _db.Sessions.Where(s => s.UserId == userId && s.TenantId == tenantId && s.RevokedAt == null && s.ExpiresAt > now).Where(filter);
                var ids = await scope.Select(s => s.Id).ToListAsync(ct).ConfigureAwait(false);
                if (ids.Count > 0)
                {
                    // Re-checks revoked_at, so the time and reason of a concurrent revocation are not overwritten.
                    await _db.Sessions
                        .Where(s => ids.Contains(s.Id) && s.RevokedAt == null)
                        .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedReason, reason), ct)
                        .ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return ids;
            }
        }, cancellationToken).ConfigureAwait(false);

        foreach (var id in revoked)
        {
            _cache.Invalidate(id);
            await _audit.WriteAsync(
                new AuditEvent(RevokedAuditAction, AuditOutcome.Success)
                {
                    OccurredAt = now,
                    ActorUserId = _caller.UserId ?? userId.ToString(),
                    TenantId = tenantId,
                    TargetType = "session",
                    TargetId = id.ToString(),
                    RequestId = _caller.RequestId,
                    Data = new Dictionary<string, string?>(StringComparer.Ordinal)
                    {
                        ["userId"] = userId.ToString(),
                        ["reason"] = reason,
                    },
                },
                cancellationToken).ConfigureAwait(false);
        }

        return revoked;
    }

    private static void Increment(SortedDictionary<string, int> counts, string key) =>
        counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;

    /// <summary>"Chrome 131" gives "Chrome", "Samsung Internet 23" gives "Samsung Internet", null gives "unknown".</summary>
    private static string Family(string? nameAndVersion)
    {
        if (string.IsNullOrEmpty(nameAndVersion))
        {
            return Unknown;
        }

        var space = nameAndVersion.LastIndexOf(' ');
        return space > 0 && long.TryParse(nameAndVersion.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? nameAndVersion[..space]
            : nameAndVersion;
    }
}
