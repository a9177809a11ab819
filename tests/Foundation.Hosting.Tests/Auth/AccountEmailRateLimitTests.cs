using System.Net;
using System.Net.Http.Json;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>The account-mail endpoints sit in the auth rate-limit group like login and register.</summary>
public sealed class AccountEmailRateLimitTests
{
    [Fact]
    public async Task Forgot_and_reset_are_limited_with_the_other_auth_endpoints()
    {
        using var host = new AuthTestHost(new Dictionary<string, string?> { ["Foundation:Hosting:RateLimiting:Auth:PermitLimit"] = "3" });
        using var client = host.CreateClient();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var forgot = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = $"user{i}@example.com" });
            answers.Add(forgot.StatusCode);
        }

        answers.ShouldAllBe(s => s == HttpStatusCode.Accepted);
        using var limited = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "user9@example.com" });
        (await limited.ShouldBeProblemAsync(429)).ShouldNotBe(default);
        limited.Headers.RetryAfter.ShouldNotBeNull();
        using var reset = await client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = "x", newPassword = "y" });
        reset.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }
}
