using System.Globalization;
using System.Security.Claims;
using Foundation.Auth.Authentication;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Sessions;

/// <summary>
/// Checks, on every request with an access token, that its session is neither revoked nor expired, that its user is
/// active and that the user's security stamp is still the one in the token; then builds the principal from the
/// current user record (so a role change applies without a new token). One AsNoTracking query joining session and
/// user, reused for up to 5 s through <see cref="SessionValidationCache"/>.
/// </summary>
public sealed class SessionValidator : ISessionValidator
{
    /// <summary>The refusal when the session was revoked (or no longer exists).</summary>
    public const string SessionRevoked = "session revoked";

    /// <summary>The refusal when the session expired.</summary>
    public const string SessionExpired = "session expired";

    /// <summary>The refusal when the user is disabled.</summary>
    public const string UserDisabled = "user disabled";

    /// <summary>The refusal when the security stamp changed since the token was issued.</summary>
    public const string SecurityStampChanged = "security stamp changed";

    /// <summary>The refusal when the user is no longer a member of the session's active organisation.</summary>
    public const string NotAMember = "not a member of the organization";

    private readonly AuthDbContext _db;
    private readonly TimeProvider _timeProvider;
    private readonly SessionValidationCache _cache;

    /// <summary>Creates the validator.</summary>
    internal SessionValidator(AuthDbContext db, TimeProvider timeProvider, SessionValidationCache cache)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(cache);
        _db = db;
        _timeProvider = timeProvider;
        _cache = cache;
    }

    /// <inheritdoc />
    public async ValueTask<CredentialCheck> ValidateAsync(Guid userId, Guid sessionId, string securityStamp, CancellationToken cancellationToken = default)
    {
        if (!_cache.TryGet(sessionId, out var snapshot))
        {
            var generation = _cache.Generation;
            // The tenant is the session's active organisation; the roles are the membership's there (see MembershipRoles).
            var row = await (
                from s in _db.Sessions.AsNoTracking()
                join u in _db.Users.AsNoTracking() on s.UserId equals u.Id
                where s.Id == sessionId
                let role = _db.OrganizationMembers.Where(m => m.OrganizationId == s.TenantId && m.UserId == s.UserId).Select(m => m.Role).FirstOrDefault()
                let legacy = s.TenantId == u.TenantId && u.Roles != "" && !_db.Organizations.Any(o => o.Id == s.TenantId)
                let team = _db.TeamMembers
                    .Where(tm => tm.UserId == s.UserId && _db.Teams.Any(t => t.Id == tm.TeamId && t.OrganizationId == s.TenantId))
                    .OrderBy(tm => tm.AddedAt).ThenBy(tm => tm.TeamId).Select(tm => (Guid?)tm.TeamId).FirstOrDefault()
                select new { s.UserId, s.ExpiresAt, s.RevokedAt, s.SecondFactorVerifiedAt, s.TenantId, u.Email, Roles = role ?? (legacy ? u.Roles : null), u.SecurityStamp, u.Status, Team = team })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return CredentialCheck.Refused(SessionRevoked);
            }

            if (row.Roles is null)
            {
                return CredentialCheck.Refused(NotAMember);
            }

            snapshot = new SessionSnapshot(row.UserId, row.ExpiresAt, row.RevokedAt, row.SecondFactorVerifiedAt, row.TenantId, row.Email, row.Roles, row.SecurityStamp, row.Status, row.Team?.ToString());

            _cache.Set(sessionId, snapshot, generation);
        }

        if (snapshot.UserId != userId || snapshot.RevokedAt is not null)
        {
            return CredentialCheck.Refused(SessionRevoked);
        }

        if (snapshot.ExpiresAt <= _timeProvider.GetUtcNow())
        {
            return CredentialCheck.Refused(SessionExpired);
        }

        if (snapshot.Status != UserStatus.Active)
        {
            return CredentialCheck.Refused(UserDisabled);
        }

        if (securityStamp is null || !FixedTime.StringEquals(snapshot.SecurityStamp, securityStamp))
        {
            return CredentialCheck.Refused(SecurityStampChanged);
        }

        return CredentialCheck.Accepted(BuildPrincipal(sessionId, snapshot));
    }

    private static ClaimsPrincipal BuildPrincipal(Guid sessionId, SessionSnapshot s)
    {
        var claims = new List<Claim>(8)
        {
            new(AuthClaims.Subject, s.UserId.ToString()),
            new(AuthClaims.SessionId, sessionId.ToString()),
            new(AuthClaims.SecurityStamp, s.SecurityStamp),
        };
        if (s.TenantId.Length > 0)
        {
            claims.Add(new Claim(AuthClaims.Tenant, s.TenantId));
        }

        if (s.Email.Length > 0)
        {
            claims.Add(new Claim(AuthClaims.Email, s.Email));
        }

        AuthPrincipals.AddRoles(claims, s.Roles);
        if (s.TeamId is { } team)
        {
            claims.Add(new Claim(AuthClaims.Team, team));
        }

        if (s.SecondFactorVerifiedAt is { } verified)
        {
            claims.Add(new Claim(AuthClaims.SecondFactorTime, verified.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }

        return AuthPrincipals.Create(claims);
    }
}
