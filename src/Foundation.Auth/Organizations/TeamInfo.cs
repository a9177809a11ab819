namespace Foundation.Auth.Organizations;

/// <summary>A team of an organisation.</summary>
/// <param name="Id">The team id (the caller's <c>ICurrentCaller.TeamId</c> and Costing's team budget scope).</param>
/// <param name="Name">The name, unique in the organisation.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="MemberCount">How many members it has.</param>
public sealed record TeamInfo(Guid Id, string Name, DateTimeOffset CreatedAt, int MemberCount);

/// <summary>A member of a team.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The user's email.</param>
/// <param name="Role"><c>maintainer</c> or <c>member</c>.</param>
/// <param name="AddedAt">When the user was added.</param>
public sealed record TeamMemberInfo(Guid UserId, string Email, string Role, DateTimeOffset AddedAt);
