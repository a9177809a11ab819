using System.Globalization;
using System.Security.Claims;
using Foundation.Auth.Tokens;

namespace Foundation.Auth.Authorization;

/// <summary>Reads when the caller last verified a second factor.</summary>
public static class SecondFactorPrincipalExtensions
{
    /// <summary>
    /// When a second factor was last verified in the caller's session (<c>amr_2fa_at</c>, Unix seconds), or null when
    /// never (or when the caller is an API key, which has no session). The latest value wins if there are several.
    /// </summary>
    public static DateTimeOffset? GetSecondFactorVerifiedAt(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        DateTimeOffset? latest = null;
        foreach (var claim in principal.FindAll(AuthClaims.SecondFactorTime))
        {
            if (long.TryParse(claim.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
                if (latest is null || at > latest)
                {
                    latest = at;
                }
            }
        }

        return latest;
    }
}
