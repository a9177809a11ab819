using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

/// <summary>
/// Met when the caller is a platform operator: a signed-in user (not an API key) whose <c>sub</c> is listed in
/// <see cref="AuthOptions.PlatformOperators"/>. <see cref="PlatformOperatorRequirementHandler"/> (registered by <c>AddFoundationAuth</c>) checks it;
/// without the handler the requirement is never met.
/// </summary>
public sealed class PlatformOperatorRequirement : IAuthorizationRequirement
{
    /// <inheritdoc />
    public override string ToString() => "A platform operator (Foundation:Auth:PlatformOperators).";
}
