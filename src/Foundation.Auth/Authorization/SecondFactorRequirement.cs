using System.Globalization;
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
