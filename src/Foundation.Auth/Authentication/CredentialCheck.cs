using System.Security.Claims;

namespace Foundation.Auth.Authentication;

/// <summary>The outcome of checking a credential.</summary>
/// <param name="Principal">Who the credential stands for, when accepted.</param>
/// <param name="Failure">A short reason safe to show the caller, when refused.</param>
public sealed record CredentialCheck(ClaimsPrincipal? Principal, string? Failure)
{
    /// <summary>Accepted, as <paramref name="principal"/>.</summary>
    public static CredentialCheck Accepted(ClaimsPrincipal principal) => new(principal, null);

    /// <summary>Refused, because <paramref name="reason"/>.</summary>
    public static CredentialCheck Refused(string reason) => new(null, reason);

    /// <summary>Whether it was accepted.</summary>
    public bool Succeeded => Principal is not null;
}
