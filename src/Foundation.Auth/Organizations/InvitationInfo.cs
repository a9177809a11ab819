namespace Foundation.Auth.Organizations;

/// <summary>An invitation (never its token).</summary>
/// <param name="Id">The invitation id.</param>
/// <param name="Email">The address invited.</param>
/// <param name="Role">The role offered.</param>
/// <param name="TeamIds">The teams offered.</param>
/// <param name="Status"><c>pending</c>, <c>accepted</c>, <c>revoked</c> or <c>expired</c>.</param>
/// <param name="CreatedAt">When it was made or last resent.</param>
/// <param name="ExpiresAt">When its token stops working.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
public sealed record InvitationInfo(Guid Id, string Email, string Role, IReadOnlyList<Guid> TeamIds, string Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? AcceptedAt);

/// <summary>A new invitation.</summary>
/// <param name="Email">The address to invite.</param>
/// <param name="Role">The role the invitee gets (default <c>member</c>; never above the inviter's).</param>
/// <param name="TeamIds">Teams of the organisation the invitee joins as <c>member</c> (at most 20).</param>
public sealed record CreateInvitationRequest(string? Email, string? Role = null, IReadOnlyList<Guid>? TeamIds = null);

/// <summary>An accepted invitation.</summary>
/// <param name="OrganizationId">The organisation joined (API id).</param>
/// <param name="TenantId">Its tenant id: the <c>tenant</c> to sign in to with a new account.</param>
/// <param name="UserId">The member's account.</param>
/// <param name="Email">The address.</param>
/// <param name="Role">The role in the organisation.</param>
/// <param name="AccountCreated">Whether a new account was made (sign in with <c>tenant</c> = <paramref name="TenantId"/>).</param>
public sealed record AcceptedInvitation(string OrganizationId, string TenantId, Guid UserId, string Email, string Role, bool AccountCreated);
