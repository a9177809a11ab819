using System.Security.Claims;
using Foundation.Auth.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Tests.Authorization;

/// <summary>Custom permissions attached to roles (<c>Foundation:Auth:Permissions</c>) are authorization policies over the hierarchy.</summary>
public sealed class PermissionPolicyTests
{
    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("manager", true)]
    [InlineData("member", false)]
    [InlineData("guest", false)]
    [InlineData("billing", false)]
    public async Task A_permission_admits_its_roles_and_the_roles_above_them_and_nothing_else(string role, bool expected)
    {
        using var provider = Services(o => o.Permissions["reports:export"] = ["manager"]);
        var authorization = provider.GetRequiredService<IAuthorizationService>();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("role", role)], "test", "sub", "role"));

        var result = await authorization.AuthorizeAsync(user, PermissionPolicies.PolicyName("reports:export"));

        result.Succeeded.ShouldBe(expected);
    }

    [Fact]
    public async Task The_guest_policy_admits_guests_and_the_viewer_policy_does_not()
    {
        using var provider = Services(_ => { });
        var authorization = provider.GetRequiredService<IAuthorizationService>();
        var guest = new ClaimsPrincipal(new ClaimsIdentity([new Claim("role", Roles.Guest)], "test", "sub", "role"));

        (await authorization.AuthorizeAsync(guest, RolePolicies.Guest)).Succeeded.ShouldBeTrue();
        (await authorization.AuthorizeAsync(guest, RolePolicies.Viewer)).Succeeded.ShouldBeFalse();
        var manager = new ClaimsPrincipal(new ClaimsIdentity([new Claim("role", Roles.Manager)], "test", "sub", "role"));
        (await authorization.AuthorizeAsync(manager, RolePolicies.Manager)).Succeeded.ShouldBeTrue();
        (await authorization.AuthorizeAsync(manager, RolePolicies.Admin)).Succeeded.ShouldBeFalse();
    }

    [Theory]
    [InlineData("Bad Name", "member", "Foundation:Auth:Permissions:Bad Name is not a valid permission name")]
    [InlineData("ok", "emperor", "Foundation:Auth:Permissions:ok:0 is 'emperor', which is not a role")]
    public void A_bad_permission_fails_the_start_naming_the_key(string name, string role, string message)
    {
        using var provider = Services(o => o.Permissions[name] = [role]);

        var ex = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuthOptions>>().Value);

        ex.Message.ShouldContain(message);
    }

    private static ServiceProvider Services(Action<AuthOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFoundationAuth(configure);
        return services.BuildServiceProvider();
    }
}
