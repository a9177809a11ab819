using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Foundation.Hosting.Authorization;

/// <summary>
/// Marks an endpoint that users who must enrol in two-factor authentication
/// (<c>Foundation:Auth:Totp:RequiredForRoles</c>) may still call before they have: Foundation puts it on the TOTP
/// enrolment endpoints, <c>GET /api/v1/auth/me</c> and <c>POST /api/v1/auth/logout</c>. Put it on your own
/// onboarding endpoints with <c>.AllowWithoutSecondFactorEnrolment()</c> or <c>[AllowWithoutSecondFactorEnrolment]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method | AttributeTargets.Delegate, AllowMultiple = false, Inherited = true)]
public sealed class AllowWithoutSecondFactorEnrolmentAttribute : Attribute;

/// <summary>Marks the endpoints that enable or disable TOTP, so the enrolment cache forgets the caller.</summary>
internal sealed class SecondFactorEnrolmentChangeMetadata
{
    public static readonly SecondFactorEnrolmentChangeMetadata Instance = new();
}

/// <summary>Which of Foundation's own endpoints the "2FA required for roles" policy lets through, and which change enrolment.</summary>
internal static class FoundationSecondFactorRoutes
{
    /// <summary>Route patterns a user who must enrol may still call: enough to see who they are, enrol, or leave.</summary>
    public static readonly FrozenSet<string> EnrolmentExempt = new[]
    {
        "/api/v1/totp/setup",
        "/api/v1/totp/setup/qr.svg",
        "/api/v1/totp/enable",
        "/api/v1/totp/status",
        "/api/v1/auth/me",
        "/api/v1/auth/logout",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Route patterns whose success enables or disables TOTP.</summary>
    public static readonly FrozenSet<string> EnrolmentChanging = new[]
    {
        "/api/v1/totp/enable",
        "/api/v1/totp/disable",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tags the endpoints mapped on <paramref name="group"/>; runs after their own conventions.</summary>
    public static void Apply(IEndpointConventionBuilder group) => group.Finally(endpoint =>
    {
        if (endpoint is not RouteEndpointBuilder { RoutePattern.RawText: { } pattern })
        {
            return;
        }

        var path = "/" + pattern.TrimStart('/');
        if (EnrolmentExempt.Contains(path))
        {
            endpoint.Metadata.Add(new AllowWithoutSecondFactorEnrolmentAttribute());
        }

        if (EnrolmentChanging.Contains(path))
        {
            endpoint.Metadata.Add(SecondFactorEnrolmentChangeMetadata.Instance);
        }
    });
}
