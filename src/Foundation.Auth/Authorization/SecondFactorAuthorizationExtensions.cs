using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

/// <summary>Adds <see cref="SecondFactorRequirement"/> to a policy.</summary>
public static class SecondFactorAuthorizationExtensions
{
    /// <summary>
    /// Requires a second factor verified within <paramref name="within"/> (a login completed with a code, or a step-up
    /// with <c>POST /api/v1/totp/verify</c>). Combine it with <c>RequireAuthenticatedUser()</c> or a role policy as usual.
    /// </summary>
    /// <param name="policy">The policy being built.</param>
    /// <param name="within">More than zero, at most a day.</param>
    public static AuthorizationPolicyBuilder RequireSecondFactor(this AuthorizationPolicyBuilder policy, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.AddRequirements(new SecondFactorRequirement(within));
    }
}
