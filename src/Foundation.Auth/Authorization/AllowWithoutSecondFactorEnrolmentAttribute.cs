namespace Foundation.Auth.Authorization;

/// <summary>
/// Marks an endpoint that users who must enrol in two-factor authentication
/// (<c>Foundation:Auth:Totp:RequiredForRoles</c>, enforced by Foundation.Auth.Totp's <c>UseFoundationSecondFactorEnrolment()</c>)
/// may still call before they have. <c>MapFoundationAuthApi()</c> puts it on <c>GET /api/v1/auth/me</c> and
/// <c>POST /api/v1/auth/logout</c>, <c>MapFoundationTotpApi()</c> on the TOTP enrolment endpoints. Put it on your own
/// onboarding endpoints with <c>.AllowWithoutSecondFactorEnrolment()</c> or <c>[AllowWithoutSecondFactorEnrolment]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method | AttributeTargets.Delegate, AllowMultiple = false, Inherited = true)]
public sealed class AllowWithoutSecondFactorEnrolmentAttribute : Attribute;
