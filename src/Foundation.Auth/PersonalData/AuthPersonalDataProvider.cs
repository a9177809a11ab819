using System.Text.Json;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.PersonalData;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.PersonalData;

/// <summary>
/// Foundation.Auth's personal data (section <c>auth</c>): the account (never its password hash or security stamp), its sessions (address,
/// user agent, device) and its API keys (names and public ids, never the secret's hash). Erasing deletes the account, its sessions with their
/// refresh tokens and its API keys in one transaction: every token the user still holds stops working at its next validation.
/// </summary>
internal sealed class AuthPersonalDataProvider : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly AuthDbContext _db;
    private readonly SessionValidationCache? _sessions;

    public AuthPersonalDataProvider(AuthDbContext db, SessionValidationCache? sessions = null)
    {
        _db = db;
        _sessions = sessions;
    }

    public string Name => "auth";

    public async Task<JsonElement?> ExportAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (!Guid.TryParse(subject.UserId, out var userId))
        {
            return null;
        }

        var user = await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.TenantId == subject.TenantId, cancellationToken)
            .ConfigureAwait(false);
        if (user is null)
        {
            return null;
        }

        var sessions = await _db.Sessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync(cancellationToken).ConfigureAwait(false);
        var apiKeys = await _db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToElement(new
        {
            Account = new
            {
                user.Id, user.TenantId, user.Email, Status = user.Status.ToString().ToLowerInvariant(), user.Roles, user.CreatedAt, user.LastLoginAt,
                user.FailedLoginCount, user.LockoutEndsAt,
            },
            Sessions = sessions.OrderBy(s => s.CreatedAt).Select(s => new
            {
                s.Id, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.RevokedAt, s.RevokedReason, s.IpAddress, s.UserAgent, s.Browser, s.OperatingSystem, s.DeviceType,
            }),
            ApiKeys = apiKeys.OrderBy(k => k.CreatedAt).Select(k => new
            {
                k.Id, k.Name, k.KeyId, k.Scopes, k.CreatedAt, k.ExpiresAt, k.IsActive, k.LastUsedAt, k.UseCount,
            }),
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
                if (!await _db.Users.AnyAsync(u => u.Id == userId && u.TenantId == subject.TenantId, ct).ConfigureAwait(false))
                {
                    return PersonalDataErasure.Nothing;
                }

                var sessions = _db.Sessions.Where(s => s.UserId == userId);
                var sessionIds = await sessions.Select(s => s.Id).ToListAsync(ct).ConfigureAwait(false);
                var tokens = await _db.RefreshTokens.Where(t => sessions.Any(s => s.Id == t.SessionId)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
                var deletedSessions = await sessions.ExecuteDeleteAsync(ct).ConfigureAwait(false);
                var keys = await _db.ApiKeys.Where(k => k.UserId == userId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
                var users = await _db.Users.Where(u => u.Id == userId && u.TenantId == subject.TenantId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);

                // This instance stops accepting the user's access tokens now; other instances within the cache's 5 seconds.
                foreach (var sessionId in sessionIds)
                {
                    _sessions?.Invalidate(sessionId);
                }

                return new PersonalDataErasure(users + deletedSessions + tokens + keys, 0,
                    "account, sessions, refresh tokens and API keys deleted; rows of other tables that reference the account are removed by their foreign keys' cascade");
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
