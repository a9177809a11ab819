using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Foundation.Auth.Authorization;
using Foundation.Auth.Tests.Authentication;
using Foundation.Auth.Tests.Tokens;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Tests.Authorization;

public sealed class SecondFactorRequirementTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private static ClaimsPrincipal User(params DateTimeOffset[] verifiedAt) => User(verifiedAt.Select(v => v.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).ToArray());

    private static ClaimsPrincipal User(params string[] claimValues)
    {
        var claims = new List<Claim> { new(AuthClaims.Subject, Guid.CreateVersion7().ToString()) };
        claims.AddRange(claimValues.Select(v => new Claim(AuthClaims.SecondFactorTime, v)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "Test", AuthClaims.Subject, AuthClaims.Role));
    }

    private async Task<bool> MeetsAsync(ClaimsPrincipal user, TimeSpan maxAge)
    {
        var requirement = new SecondFactorRequirement(maxAge);
        var context = new AuthorizationHandlerContext([requirement], user, resource: null);
        await new SecondFactorRequirementHandler(_time).HandleAsync(context);
        context.HasFailed.ShouldBeFalse("the handler never fails explicitly: another handler may meet the requirement");
        return context.HasSucceeded;
    }

    [Fact]
    public async Task A_principal_without_a_second_factor_time_does_not_meet_it()
    {
        (await MeetsAsync(User(Array.Empty<string>()), TimeSpan.FromMinutes(10))).ShouldBeFalse();
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(60, true)]
    [InlineData(600, true)]
    [InlineData(601, false)]
    [InlineData(86_400, false)]
    public async Task The_verification_must_be_at_most_max_age_old(int secondsAgo, bool expected)
    {
        (await MeetsAsync(User(Now.AddSeconds(-secondsAgo)), TimeSpan.FromMinutes(10))).ShouldBe(expected);
    }

    [Fact]
    public async Task The_clock_is_read_to_the_second_like_the_claim()
    {
        // Verified at 11:50:00.900 is stored as 11:50:00; at 12:00:00.500 that is still "10 minutes ago".
        _time.SetUtcNow(Now.AddMilliseconds(500));
        (await MeetsAsync(User(Now.AddMinutes(-10).AddMilliseconds(900)), TimeSpan.FromMinutes(10))).ShouldBeTrue();
        _time.SetUtcNow(Now.AddSeconds(1));
        (await MeetsAsync(User(Now.AddMinutes(-10).AddMilliseconds(900)), TimeSpan.FromMinutes(10))).ShouldBeFalse();
    }

    [Fact]
    public async Task A_time_ahead_of_this_clock_counts_as_just_now()
    {
        (await MeetsAsync(User(Now.AddSeconds(20)), TimeSpan.FromMinutes(1))).ShouldBeTrue();
    }

    [Fact]
    public async Task The_latest_of_several_claims_counts_and_malformed_ones_are_ignored()
    {
        var user = User("not-a-number", Now.AddHours(-2).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "-5", Now.AddMinutes(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "99999999999999999999");
        user.GetSecondFactorVerifiedAt().ShouldBe(Now.AddMinutes(-1));
        (await MeetsAsync(user, TimeSpan.FromMinutes(5))).ShouldBeTrue();
        (await MeetsAsync(User("garbage"), TimeSpan.FromMinutes(5))).ShouldBeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(86_401)]
    public void A_window_that_is_not_positive_or_longer_than_a_day_is_refused(int seconds)
    {
        var exception = Should.Throw<ArgumentOutOfRangeException>(() => new SecondFactorRequirement(TimeSpan.FromSeconds(seconds)));
        exception.ParamName.ShouldBe("maxAge");
        exception.Message.ShouldContain("at most a day");
    }

    [Fact]
    public async Task AddFoundationAuth_registers_the_handler_so_a_policy_built_with_RequireSecondFactor_works()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddFoundationAuth();
        services.AddFoundationAuth();
        services.Count(d => d.ServiceType == typeof(IAuthorizationHandler) && d.ImplementationType == typeof(SecondFactorRequirementHandler)).ShouldBe(1);

        using var provider = services.BuildServiceProvider();
        var authorization = provider.GetRequiredService<IAuthorizationService>();
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireSecondFactor(TimeSpan.FromMinutes(5)).Build();

        (await authorization.AuthorizeAsync(User(Now.AddMinutes(-4)), policy)).Succeeded.ShouldBeTrue();
        var refused = await authorization.AuthorizeAsync(User(Now.AddMinutes(-6)), policy);
        refused.Succeeded.ShouldBeFalse();
        refused.Failure!.FailedRequirements.OfType<SecondFactorRequirement>().Single().MaxAge.ShouldBe(TimeSpan.FromMinutes(5));
    }
}

/// <summary>The Bearer scheme takes the second-factor time from the session, so a step-up counts before the next refresh.</summary>
public sealed class BearerSecondFactorTimeTests : IClassFixture<BearerTestHost>
{
    private readonly BearerTestHost _host;

    public BearerSecondFactorTimeTests(BearerTestHost host) => _host = host;

    private async Task<string[]> SecondFactorClaimsAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/second-factor");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _host.Client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<string[]>())!;
    }

    [Fact]
    public async Task The_session_value_replaces_the_token_value()
    {
        var issuedWith = _host.Time.GetUtcNow().AddMinutes(-30);
        var request = TokenTestContext.NewRequest("admin") with { SecondFactorVerifiedAt = issuedWith };
        var issued = await _host.Tokens.IssueAsync(request);
        (await SecondFactorClaimsAsync(issued.Token)).ShouldBe([issuedWith.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)]);

        var steppedUp = _host.Time.GetUtcNow();
        _host.Sessions.SecondFactorAt[request.SessionId] = steppedUp;
        (await SecondFactorClaimsAsync(issued.Token)).ShouldBe([steppedUp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)]);
    }

    [Fact]
    public async Task A_token_without_one_gets_the_session_value()
    {
        var request = TokenTestContext.NewRequest("member");
        var issued = await _host.Tokens.IssueAsync(request);
        (await SecondFactorClaimsAsync(issued.Token)).ShouldBeEmpty();

        var steppedUp = _host.Time.GetUtcNow();
        _host.Sessions.SecondFactorAt[request.SessionId] = steppedUp;
        (await SecondFactorClaimsAsync(issued.Token)).ShouldBe([steppedUp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)]);
    }
}
