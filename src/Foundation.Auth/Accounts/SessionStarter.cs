using Foundation.Auditing;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>Starts a session for a user who has signed in: the session row, its first refresh token, the access token.</summary>
internal sealed class SessionStarter(AuthDbContext db, IAccessTokenService tokens, TimeProvider time, AuthOptions options, AccountAudit audit)
{
    public async Task<TokenPair> StartAsync(UserRecord user, ClientInfo client, DateTimeOffset? secondFactorAt, CancellationToken cancellationToken, Guid? sessionId = null)
    {
        // A session starts in the user's own organisation, or the first one joined when the user left their own.
        var active = await Organizations.MembershipRoles.ForNewSessionAsync(db, user, cancellationToken).ConfigureAwait(false);
        if (active is not { } start)
        {
            await audit.WriteAsync("auth.login", AuditOutcome.Denied, user.Id, user.TenantId, client, "no-organization", cancellationToken).ConfigureAwait(false);
            throw new AuthenticationFailedException();
        }

        var now = time.GetUtcNow();
        var device = Sessions.UserAgentParser.Parse(client.UserAgent);
        var session = new SessionRecord
        {
            Id = sessionId ?? Guid.CreateVersion7(now),
            UserId = user.Id,
            TenantId = start.OrganizationId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now.AddDays(options.Tokens.RefreshTokenDays),
            IpAddress = client.IpAddress is { Length: <= 64 } ip ? ip : null,
            UserAgent = client.UserAgent is { } ua ? (ua.Length > 512 ? ua[..512] : ua) : null,
            Browser = device.Browser,
            OperatingSystem = device.OperatingSystem,
            DeviceType = device.DeviceType,
            SecondFactorVerifiedAt = secondFactorAt,
        };
        var (refresh, record) = RefreshTokens.Create(session.Id, now, TimeSpan.FromDays(options.Tokens.RefreshTokenDays));
        db.Sessions.Add(session);
        db.RefreshTokens.Add(record);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastLoginAt, now), cancellationToken)
            .ConfigureAwait(false);
        db.ChangeTracker.Clear();

        var access = await tokens.IssueAsync(
            new AccessTokenRequest(user.Id, start.OrganizationId, RoleList.Split(start.Roles), session.Id, user.SecurityStamp, user.Email, secondFactorAt),
            cancellationToken).ConfigureAwait(false);
        return new TokenPair(access.Token, access.ExpiresAt, refresh, record.ExpiresAt, session.Id);
    }
}
