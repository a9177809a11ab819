using System.Globalization;
using System.Security.Claims;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

/// <summary>
/// Met when the caller verified a second factor within the last <see cref="MaxAge"/>: the principal's
/// <c>amr_2fa_at</c> claim (<see cref="AuthClaims.SecondFactorTime"/>) is at most <see cref="MaxAge"/> old. Add it with
/// <see cref="SecondFactorAuthorizationExtensions.RequireSecondFactor(AuthorizationPolicyBuilder, TimeSpan)"/>;
/// <see cref="SecondFactorRequirementHandler"/> (registered by <c>AddFoundationAuth</c>) checks it.
/// </summary>
public sealed class SecondFactorRequirement : IAuthorizationRequirement
{
    /// <summary>The longest accepted: one day. A longer window is no step-up at all.</summary>
    public static readonly TimeSpan MaxAllowedAge = TimeSpan.FromDays(1);

    /// <summary>Creates the requirement.</summary>
    /// <param name="maxAge">How long ago the second factor may have been verified: more than zero, at most a day.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is zero, negative or longer than a day.</exception>
    public SecondFactorRequirement(TimeSpan maxAge)
    {
        if (maxAge <= TimeSpan.Zero || maxAge > MaxAllowedAge)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxAge),
                maxAge,
                "The age of a second-factor verification must be more than zero and at most a day (for example TimeSpan.FromMinutes(10)).");
        }

        MaxAge = maxAge;
    }

    /// <summary>How long ago the second factor may have been verified.</summary>
    public TimeSpan MaxAge { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"A second factor verified within the last {MaxAge.TotalSeconds:0} seconds.");
}

/// <summary>Checks <see cref="SecondFactorRequirement"/> against the principal's <c>amr_2fa_at</c> and the injected clock.</summary>
public sealed class SecondFactorRequirementHandler : AuthorizationHandler<SecondFactorRequirement>
{
    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    public SecondFactorRequirementHandler(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SecondFactorRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);

        // The claim has whole seconds, so the clock is read to the second too: verified at 12:00:00.7, a 10-minute window
        // ends at 12:10:00.999 rather than a fraction of a second early. A time ahead of this clock (another instance's
        // skew) counts as just now. Not failed explicitly: another handler (another kind of factor) may still meet it.
        var now = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds());
        if (context.User.GetSecondFactorVerifiedAt() is { } verifiedAt && now - verifiedAt <= requirement.MaxAge)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

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
