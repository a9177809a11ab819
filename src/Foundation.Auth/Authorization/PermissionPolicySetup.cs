using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Authorization;

/// <summary>Registers a policy per configured permission.</summary>
internal sealed class PermissionPolicySetup(IOptions<AuthOptions> auth) : IConfigureOptions<AuthorizationOptions>
{
    public void Configure(AuthorizationOptions options)
    {
        foreach (var (name, roles) in auth.Value.Permissions)
        {
            var list = roles.Select(r => r.Trim().ToLowerInvariant()).ToList();
            options.AddPolicy(PermissionPolicies.PolicyName(name), p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(name, list)));
        }
    }
}
