namespace Foundation.Auth.Organizations;

/// <summary>The <c>code</c> of each organisation refusal.</summary>
public static class OrganizationRefusalCodes
{
    /// <summary>403: the caller's role in the organisation does not allow the operation.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>404: no such organisation, or the caller is not a member of it.</summary>
    public const string OrganizationNotFound = "organization_not_found";

    /// <summary>404: no such member.</summary>
    public const string MemberNotFound = "member_not_found";

    /// <summary>409: the change would leave the organisation without an owner.</summary>
    public const string LastOwner = "last_owner";

    /// <summary>409: the slug is taken by another organisation.</summary>
    public const string SlugTaken = "slug_taken";

    /// <summary>403: the change would give a role above the caller's own.</summary>
    public const string RoleAboveOwn = "role_above_own";

    /// <summary>409: the address or account is already a member.</summary>
    public const string AlreadyMember = "already_member";

    /// <summary>404: no invitation has this token or id.</summary>
    public const string InvitationNotFound = "invitation_not_found";

    /// <summary>409: the invitation was already accepted (it is single use).</summary>
    public const string InvitationAccepted = "invitation_already_accepted";

    /// <summary>410: the invitation was revoked.</summary>
    public const string InvitationRevoked = "invitation_revoked";

    /// <summary>410: the invitation expired.</summary>
    public const string InvitationExpired = "invitation_expired";

    /// <summary>403: a signed-in caller accepted an invitation sent to another address.</summary>
    public const string InvitationForAnotherAddress = "invitation_for_another_address";

    /// <summary>409: an anonymous accept found an account with the address in the organisation: sign in to accept.</summary>
    public const string AccountExists = "account_exists";

    /// <summary>503: no e-mail sender, or the e-mail could not be delivered (nothing was saved).</summary>
    public const string EmailUnavailable = "email_unavailable";

    /// <summary>404: no such team in the organisation.</summary>
    public const string TeamNotFound = "team_not_found";

    /// <summary>409: another team of the organisation has the name.</summary>
    public const string TeamNameTaken = "team_name_taken";

    /// <summary>409: the user already creates too many organisations.</summary>
    public const string TooManyOrganizations = "too_many_organizations";
}
