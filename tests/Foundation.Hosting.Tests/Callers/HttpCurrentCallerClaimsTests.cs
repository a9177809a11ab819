using System.Security.Claims;
using Foundation.Callers;
using Foundation.Hosting.Callers;
using Microsoft.AspNetCore.Http;

namespace Foundation.Hosting.Tests.Callers;

/// <summary>The API key and team of <see cref="HttpCurrentCaller"/> come from the caller's claims (metering and budgets use them).</summary>
public sealed class HttpCurrentCallerClaimsTests
{
    [Theory]
    [InlineData("team_id")]
    [InlineData("team")]
    public void Api_key_and_team_are_read_from_claims(string teamClaim)
    {
        var identity = new ClaimsIdentity([new Claim("sub", "u1"), new Claim("api_key_id", "k1"), new Claim(teamClaim, "t1")], "test");
        ICurrentCaller caller = new HttpCurrentCaller(new HttpContextAccessor { HttpContext = new DefaultHttpContext { User = new ClaimsPrincipal(identity) } });
        caller.ApiKeyId.ShouldBe("k1");
        caller.TeamId.ShouldBe("t1");
    }

    [Fact]
    public void An_unauthenticated_principal_has_no_api_key_or_team()
    {
        var identity = new ClaimsIdentity([new Claim("api_key_id", "k1"), new Claim("team_id", "t1")]);
        ICurrentCaller caller = new HttpCurrentCaller(new HttpContextAccessor { HttpContext = new DefaultHttpContext { User = new ClaimsPrincipal(identity) } });
        caller.ApiKeyId.ShouldBeNull();
        caller.TeamId.ShouldBeNull();
    }
}
