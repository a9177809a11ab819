using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Auth.Tests.Tokens;

namespace Foundation.Auth.Tests.Authentication;

public sealed class FoundationBearerHandlerTests : IClassFixture<BearerTestHost>
{
    private readonly BearerTestHost _host;

    public FoundationBearerHandlerTests(BearerTestHost host) => _host = host;

    private static HttpRequestMessage Get(string path, string? authorization = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("X-API-Key", apiKey);
        }

        return request;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        return problem;
    }

    private static string Challenge(HttpResponseMessage response) => response.Headers.WwwAuthenticate.Single().ToString();

    [Fact]
    public async Task Without_credentials_answers_401_with_a_plain_Bearer_challenge_and_a_problem()
    {
        using var response = await _host.Client.SendAsync(Get("/me"));

        Challenge(response).ShouldBe("Bearer");
        var problem = await ProblemAsync(response, 401);
        problem.GetProperty("reason").GetString().ShouldBe("missing_credentials");
    }

    [Fact]
    public async Task A_valid_access_token_authenticates_with_its_claims_after_the_session_check()
    {
        var (issued, request) = await _host.IssueAsync("admin", "member");

        using var response = await _host.Client.SendAsync(Get("/me", "Bearer " + issued.Token));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var me = await response.Content.ReadFromJsonAsync<BearerTestHost.Caller>();
        me!.Sub.ShouldBe(request.UserId.ToString());
        me.Tenant.ShouldBe("acme");
        me.Roles.ShouldBe(["admin", "member"]);
        me.Name.ShouldBe(request.UserId.ToString());
        me.IsAdmin.ShouldBeTrue();
        lock (_host.Sessions.Calls)
        {
            _host.Sessions.Calls.ShouldContain((request.UserId, request.SessionId, request.SecurityStamp));
        }
    }

    [Fact]
    public async Task The_scheme_name_is_case_insensitive()
    {
        var (issued, _) = await _host.IssueAsync();

        using var response = await _host.Client.SendAsync(Get("/me", "bearer   " + issued.Token));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_expired_token_gets_invalid_token_and_a_problem_saying_expired()
    {
        var (issued, _) = await _host.IssueAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(30));

        using var response = await _host.Client.SendAsync(Get("/me", "Bearer " + issued.Token));

        Challenge(response).ShouldBe("Bearer error=\"invalid_token\", error_description=\"The token has expired.\"");
        var problem = await ProblemAsync(response, 401);
        problem.GetProperty("reason").GetString().ShouldBe("expired");
        problem.GetProperty("detail").GetString().ShouldBe("The token has expired.");
        problem.GetProperty("title").GetString().ShouldBe("Unauthorized");
    }

    [Fact]
    public async Task A_token_of_a_revoked_session_is_refused()
    {
        var (issued, request) = await _host.IssueAsync();
        _host.Sessions.Revoked.Add(request.SessionId);

        using var response = await _host.Client.SendAsync(Get("/me", "Bearer " + issued.Token));

        Challenge(response).ShouldContain("error=\"invalid_token\"");
        var problem = await ProblemAsync(response, 401);
        problem.GetProperty("reason").GetString().ShouldBe("session_rejected");
        problem.GetProperty("detail").GetString().ShouldBe("The session was revoked; sign in again.");
    }

    [Fact]
    public async Task A_token_naming_an_unknown_key_is_refused_as_such()
    {
        var (issued, _) = await _host.IssueAsync();
        var parts = issued.Token.Split('.');
        var header = Jwt.Encode(new { alg = "HS256", kid = "nope", typ = "at+jwt" });

        using var response = await _host.Client.SendAsync(Get("/me", $"Bearer {header}.{parts[1]}.{parts[2]}"));

        var problem = await ProblemAsync(response, 401);
        problem.GetProperty("reason").GetString().ShouldBe("unknown_key");
    }

    [Fact]
    public async Task An_alg_none_token_is_refused()
    {
        var (issued, _) = await _host.IssueAsync("owner");
        var parts = issued.Token.Split('.');
        var header = Jwt.Encode(new { alg = "none", kid = issued.KeyId, typ = "at+jwt" });

        using var response = await _host.Client.SendAsync(Get("/me", $"Bearer {header}.{parts[1]}."));

        var problem = await ProblemAsync(response, 401);
        problem.GetProperty("reason").GetString().ShouldBe("invalid_signature");
    }

    [Theory]
    [InlineData("Bearer " + FakeApiKeyAuthenticator.GoodKey, null)]
    [InlineData(null, FakeApiKeyAuthenticator.GoodKey)]
    public async Task An_API_key_authenticates_in_either_header(string? authorization, string? apiKey)
    {
        using var response = await _host.Client.SendAsync(Get("/me", authorization, apiKey));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var me = await response.Content.ReadFromJsonAsync<BearerTestHost.Caller>();
        me!.Sub.ShouldBe(FakeApiKeyAuthenticator.Owner.ToString());
        me.Roles.ShouldBe(["member"]);
    }

    [Theory]
    [InlineData("Bearer fnd_k1_wrong", null)]
    [InlineData(null, "fnd_k1_wrong")]
    public async Task A_wrong_API_key_is_refused(string? authorization, string? apiKey)
    {
        using var response = await _host.Client.SendAsync(Get("/me", authorization, apiKey));

        Challenge(response).ShouldBe("Bearer error=\"invalid_token\", error_description=\"The API key is not valid.\"");
        var problem = await ProblemAsync(response, 401);
        problem.GetProperty("reason").GetString().ShouldBe("invalid_api_key");
    }

    [Theory]
    [InlineData("Bearer", null, "malformed_header")]
    [InlineData("Bearer    ", null, "malformed_header")]
    [InlineData("Basic dXNlcjpwYXNz", null, "unsupported_scheme")]
    [InlineData("Bearerxyz", null, "unsupported_scheme")]
    [InlineData("Bearer garbage", null, "malformed")]
    [InlineData("Bearer a.b", null, "malformed")]
    [InlineData("Bearer a.b.c", null, "malformed")]
    [InlineData("Bearer eyJhbGciOiJub25lIn0.e30.", null, "invalid_signature")]
    [InlineData("Bearer x y z", null, "malformed")]
    [InlineData("Bearer " + FakeApiKeyAuthenticator.GoodKey, FakeApiKeyAuthenticator.GoodKey, "malformed_header")]
    [InlineData(null, "not-a-foundation-key", "malformed_header")]
    [InlineData(null, "   ", "malformed_header")]
    public async Task Malformed_credentials_get_a_401_with_a_reason_never_a_500(string? authorization, string? apiKey, string reason)
    {
        using var response = await _host.Client.SendAsync(Get("/me", authorization, apiKey));

        Challenge(response).ShouldStartWith("Bearer error=\"invalid_");
        var problem = await ProblemAsync(response, 401);
        problem.GetProperty("reason").GetString().ShouldBe(reason);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task A_junk_token_of_10_KB_gets_a_401()
    {
        using var response = await _host.Client.SendAsync(Get("/me", "Bearer " + new string('x', 10 * 1024)));

        (await ProblemAsync(response, 401)).GetProperty("reason").GetString().ShouldBe("malformed");
    }

    [Fact]
    public async Task Two_Authorization_headers_get_a_401()
    {
        var (issued, _) = await _host.IssueAsync();
        using var request = Get("/me");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + issued.Token, "Bearer " + issued.Token]);

        using var response = await _host.Client.SendAsync(request);

        Challenge(response).ShouldBe("Bearer error=\"invalid_request\", error_description=\"Send one Authorization header.\"");
        (await ProblemAsync(response, 401)).GetProperty("reason").GetString().ShouldBe("malformed_header");
    }

    [Fact]
    public async Task Two_X_API_Key_headers_get_a_401()
    {
        using var request = Get("/me");
        request.Headers.TryAddWithoutValidation("X-API-Key", [FakeApiKeyAuthenticator.GoodKey, FakeApiKeyAuthenticator.GoodKey]);

        using var response = await _host.Client.SendAsync(request);

        (await ProblemAsync(response, 401)).GetProperty("detail").GetString().ShouldBe("Send one X-API-Key header.");
    }

    [Fact]
    public async Task An_open_endpoint_ignores_a_bad_credential()
    {
        using var response = await _host.Client.SendAsync(Get("/open", "Bearer garbage"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Role_claims_satisfy_RequireRole()
    {
        var (issued, _) = await _host.IssueAsync("admin");

        using var response = await _host.Client.SendAsync(Get("/admin", "Bearer " + issued.Token));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("welcome, admin");
    }

    [Fact]
    public async Task A_caller_without_the_role_is_forbidden_with_a_403_problem()
    {
        var (issued, _) = await _host.IssueAsync("member");

        using var response = await _host.Client.SendAsync(Get("/admin", "Bearer " + issued.Token));

        var problem = await ProblemAsync(response, 403);
        problem.GetProperty("reason").GetString().ShouldBe("forbidden");
        response.Headers.WwwAuthenticate.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_API_key_without_the_role_is_forbidden_too()
    {
        using var response = await _host.Client.SendAsync(Get("/admin", apiKey: FakeApiKeyAuthenticator.GoodKey));

        await ProblemAsync(response, 403);
    }

    [Fact]
    public async Task Concurrent_requests_are_each_authenticated()
    {
        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ => (await _host.IssueAsync()).Issued.Token));

        var statuses = await Task.WhenAll(tokens.Select(async token =>
        {
            using var response = await _host.Client.SendAsync(Get("/me", "Bearer " + token));
            return response.StatusCode;
        }));

        statuses.ShouldAllBe(s => s == HttpStatusCode.OK);
    }
}

public sealed class FoundationBearerHandlerWithoutCollaboratorsTests
{
    [Fact]
    public async Task Without_an_API_key_authenticator_or_problem_details_service_keys_get_a_clear_401_problem()
    {
        var host = new BearerTestHost(withApiKeys: false, withSessions: true, withProblemDetails: false);
        await host.InitializeAsync();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FakeApiKeyAuthenticator.GoodKey);
            using var response = await host.Client.SendAsync(request);

            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("reason").GetString().ShouldBe("api_keys_unavailable");
            problem.GetProperty("detail").GetString().ShouldBe("API keys are not accepted by this server.");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_a_session_validator_access_tokens_are_refused_not_trusted()
    {
        var host = new BearerTestHost(withApiKeys: true, withSessions: false, withProblemDetails: true);
        await host.InitializeAsync();
        try
        {
            var (issued, _) = await host.IssueAsync();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);
            using var response = await host.Client.SendAsync(request);

            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("reason").GetString().ShouldBe("session_unverifiable");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
