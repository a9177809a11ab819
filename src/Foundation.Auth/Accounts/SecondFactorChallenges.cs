using System.Globalization;
using Foundation.Auth.Storage;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>
/// Second-factor challenges: a protected payload naming the user, its expiry and the id of the session its completion
/// will create (so the sessions' primary key makes a challenge single use).
/// </summary>
internal sealed class SecondFactorChallenges(AuthDbContext db, ISecretProtector protector, TimeProvider time)
{
    private const string ChallengePurpose = "Foundation.Auth.SecondFactorChallenge";

    public SecondFactorChallenge Issue(Guid userId, IReadOnlyList<string> methods, DateTimeOffset now)
    {
        var expiresAt = now + AccountService.ChallengeLifetime;
        var payload = string.Create(CultureInfo.InvariantCulture, $"{userId:N}|{expiresAt.ToUnixTimeSeconds()}|{Guid.CreateVersion7(now):N}");
        return new SecondFactorChallenge(protector.Protect(ChallengePurpose, payload), methods, expiresAt);
    }

    public async Task<Guid?> ReadUnusedAsync(string? challengeToken, CancellationToken cancellationToken)
    {
        if (!TryRead(challengeToken, out var userId, out var challengeId))
        {
            return null;
        }

        var used = await db.Sessions.AsNoTracking().AnyAsync(s => s.Id == challengeId, cancellationToken).ConfigureAwait(false);
        return used ? null : userId;
    }

    public bool TryRead(string? challengeToken, out Guid userId, out Guid challengeId)
    {
        userId = Guid.Empty;
        challengeId = Guid.Empty;
        if (string.IsNullOrWhiteSpace(challengeToken) || challengeToken.Length > 4096)
        {
            return false;
        }

        string payload;
        try
        {
            payload = protector.Unprotect(ChallengePurpose, challengeToken);
        }
        catch (SecretProtectionException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = payload.Split('|');
        return parts.Length == 3 && Guid.TryParseExact(parts[0], "N", out userId)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && DateTimeOffset.FromUnixTimeSeconds(expires) > time.GetUtcNow()
            && Guid.TryParseExact(parts[2], "N", out challengeId);
    }
}
