using Foundation.Auth.Totp;
using Foundation.Auth.Totp.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Foundation.Auth.Totp's "2FA required for roles" check to the pipeline.</summary>
public static class SecondFactorEnrolmentApplicationBuilderExtensions
{
    /// <summary>
    /// "2FA required for roles" (<c>Foundation:Auth:Totp:RequiredForRoles</c>): a signed-in caller holding one of those roles
    /// (or a built-in role above one) whose user has not enabled TOTP gets 403 <c>second_factor_enrolment_required</c> (with
    /// <c>enrolUrl</c> and <c>role</c>) on every endpoint that requires authorization, except those marked
    /// <c>.AllowWithoutSecondFactorEnrolment()</c> (<c>MapFoundationAuthApi()</c> and <c>MapFoundationTotpApi()</c> mark
    /// <c>/me</c>, <c>/logout</c> and the enrolment endpoints). Also keeps <see cref="SecondFactorEnrolmentCache"/> current when
    /// TOTP is enabled or disabled through <c>MapFoundationTotpApi()</c>. Call it after <c>UseAuthentication()</c> and before
    /// <c>UseAuthorization()</c>. Foundation.Hosting's <c>UseFoundation()</c> calls it.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddFoundationTotp</c> was not called.</exception>
    public static IApplicationBuilder UseFoundationSecondFactorEnrolment(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<SecondFactorEnrolmentCache>() is null)
        {
            throw new InvalidOperationException(
                "Foundation.Auth.Totp's services are missing: call builder.Services.AddFoundationTotp(builder.Configuration) before app.UseFoundationSecondFactorEnrolment().");
        }

        return app.UseMiddleware<SecondFactorEnrolmentMiddleware>();
    }
}
