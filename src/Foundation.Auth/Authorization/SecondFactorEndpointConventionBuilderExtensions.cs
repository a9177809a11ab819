using Foundation.Auth.Authorization;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Second-factor conventions for endpoints.</summary>
public static class SecondFactorEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires a signed-in user who verified a second factor within <paramref name="within"/>. Otherwise the answer is
    /// 403 with <c>reason: "second_factor_step_up_required"</c> and <c>maxAgeSeconds</c>: verify with
    /// <c>POST /api/v1/totp/verify</c> and retry. Combines with other authorization on the endpoint (role policies).
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="within">More than zero, at most a day.</param>
    public static TBuilder RequireSecondFactor<TBuilder>(this TBuilder builder, TimeSpan within)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Built now, so a bad duration fails where the endpoint is mapped, not on its first request.
        var requirement = new SecondFactorRequirement(within);
        return builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().AddRequirements(requirement));
    }

    /// <summary>Requires a second factor verified within the last <paramref name="withinMinutes"/> minutes (1 to 1440).</summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="withinMinutes">Minutes: 1 to 1440.</param>
    public static TBuilder RequireSecondFactor<TBuilder>(this TBuilder builder, int withinMinutes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireSecondFactor(TimeSpan.FromMinutes(withinMinutes));

    /// <summary>
    /// Lets users who must still enrol in two-factor authentication (<c>Foundation:Auth:Totp:RequiredForRoles</c>)
    /// call this endpoint, for example an onboarding page that explains the enrolment.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    public static TBuilder AllowWithoutSecondFactorEnrolment<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new AllowWithoutSecondFactorEnrolmentAttribute()));
        return builder;
    }
}
