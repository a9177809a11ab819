using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Foundation.Auth.Authentication;
using Foundation.Auth.Tests.Tokens;
using Foundation.Auth.Tokens;
using Foundation.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Tests.Authentication;

/// <summary>
/// The access-token scheme is ASP.NET Core's JwtBearer handler: the suite's checks run in its events, and a host
/// configures and extends it through <see cref="JwtBearerOptions"/> as it would any JwtBearer scheme.
/// </summary>
public sealed class AccessTokenSchemeTests
{
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

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<BearerTestHost> StartAsync(Action<IServiceCollection>? configure = null, string algorithm = "HS256", FakeTimeProvider? time = null)
    {
        var host = new BearerTestHost(withApiKeys: true, withSessions: true, withProblemDetails: true, configure, algorithm, time);
        await host.InitializeAsync();
        return host;
    }

    [Fact]
    public async Task Access_tokens_go_to_the_JwtBearer_scheme_and_API_keys_to_their_own()
    {
        var host = await StartAsync();
        try
        {
            var (issued, _) = await host.IssueAsync();

            using var token = await host.Client.SendAsync(Get("/scheme", "Bearer " + issued.Token));
            using var key = await host.Client.SendAsync(Get("/scheme", "Bearer " + FakeApiKeyAuthenticator.GoodKey));
            using var keyHeader = await host.Client.SendAsync(Get("/scheme", apiKey: FakeApiKeyAuthenticator.GoodKey));

            (await token.Content.ReadAsStringAsync()).ShouldBe(FoundationAuthenticationDefaults.AccessTokenScheme);
            (await key.Content.ReadAsStringAsync()).ShouldBe(FoundationAuthenticationDefaults.ApiKeyScheme);
            (await keyHeader.Content.ReadAsStringAsync()).ShouldBe(FoundationAuthenticationDefaults.ApiKeyScheme);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_host_s_OnTokenValidated_adds_a_claim_after_the_session_check_and_never_runs_for_a_refused_token()
    {
        var calls = 0;
        var host = await StartAsync(services => services.Configure<JwtBearerOptions>(FoundationAuthenticationDefaults.AccessTokenScheme, options =>
            options.Events.OnTokenValidated = context =>
            {
                Interlocked.Increment(ref calls);
                ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim("plan", "gold"));
                return Task.CompletedTask;
            }));
        try
        {
            var (issued, request) = await host.IssueAsync();
            using var response = await host.Client.SendAsync(Get("/claims", "Bearer " + issued.Token));

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadFromJsonAsync<string[]>())!.ShouldContain("plan=gold");
            calls.ShouldBe(1);
            lock (host.Sessions.Calls)
            {
                host.Sessions.Calls.ShouldContain((request.UserId, request.SessionId, request.SecurityStamp));
            }

            var (revoked, revokedRequest) = await host.IssueAsync();
            host.Sessions.Revoked.Add(revokedRequest.SessionId);
            using var refused = await host.Client.SendAsync(Get("/claims", "Bearer " + revoked.Token));

            (await ProblemAsync(refused)).GetProperty("reason").GetString().ShouldBe("session_rejected");
            calls.ShouldBe(1);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_host_replacing_the_events_object_keeps_the_suite_s_checks()
    {
        var host = await StartAsync(services => services.Configure<JwtBearerOptions>(FoundationAuthenticationDefaults.AccessTokenScheme, options =>
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim("plan", "silver"));
                    return Task.CompletedTask;
                },
            }));
        try
        {
            var (issued, _) = await host.IssueAsync();
            using var accepted = await host.Client.SendAsync(Get("/claims", "Bearer " + issued.Token));
            (await accepted.Content.ReadFromJsonAsync<string[]>())!.ShouldContain("plan=silver");

            var (revoked, request) = await host.IssueAsync();
            host.Sessions.Revoked.Add(request.SessionId);
            using var refused = await host.Client.SendAsync(Get("/claims", "Bearer " + revoked.Token));
            (await ProblemAsync(refused)).GetProperty("reason").GetString().ShouldBe("session_rejected");

            var (old, _) = await host.IssueAsync();
            host.Time.Advance(TimeSpan.FromMinutes(30));
            using var expired = await host.Client.SendAsync(Get("/claims", "Bearer " + old.Token));
            expired.Headers.WwwAuthenticate.Single().ToString().ShouldBe("Bearer error=\"invalid_token\", error_description=\"The token has expired.\"");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_host_s_EventsType_is_resolved_from_DI_and_runs_with_the_suite_s_checks()
    {
        var host = await StartAsync(services =>
        {
            services.AddScoped<TenantStampingEvents>();
            services.Configure<JwtBearerOptions>(FoundationAuthenticationDefaults.AccessTokenScheme, options => options.EventsType = typeof(TenantStampingEvents));
        });
        try
        {
            var (issued, _) = await host.IssueAsync();
            using var accepted = await host.Client.SendAsync(Get("/claims", "Bearer " + issued.Token));
            (await accepted.Content.ReadFromJsonAsync<string[]>())!.ShouldContain("stamped=yes");

            var (revoked, request) = await host.IssueAsync();
            host.Sessions.Revoked.Add(request.SessionId);
            using var refused = await host.Client.SendAsync(Get("/claims", "Bearer " + revoked.Token));
            (await ProblemAsync(refused)).GetProperty("reason").GetString().ShouldBe("session_rejected");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_host_s_OnChallenge_may_take_over_the_401()
    {
        var host = await StartAsync(services => services.Configure<JwtBearerOptions>(FoundationAuthenticationDefaults.AccessTokenScheme, options =>
            options.Events.OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("sign in at /login; " + context.AuthenticateFailure?.Message);
            }));
        try
        {
            using var response = await host.Client.SendAsync(Get("/me", "Bearer garbage"));

            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ShouldBeEmpty();
            (await response.Content.ReadAsStringAsync()).ShouldBe("sign in at /login; The token is not a well-formed signed JWT.");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_alg_none_token_naming_an_RS256_key_is_refused()
    {
        var host = await StartAsync(algorithm: "RS256");
        try
        {
            var (issued, _) = await host.IssueAsync("owner");
            var parts = issued.Token.Split('.');
            var header = Jwt.Encode(new { alg = "none", kid = issued.KeyId, typ = "at+jwt" });

            using var response = await host.Client.SendAsync(Get("/me", $"Bearer {header}.{parts[1]}."));

            response.Headers.WwwAuthenticate.Single().ToString()
                .ShouldBe("Bearer error=\"invalid_token\", error_description=\"The token's signing algorithm is not accepted.\"");
            (await ProblemAsync(response)).GetProperty("reason").GetString().ShouldBe("invalid_signature");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_HS256_token_signed_with_the_public_key_of_the_RS256_key_is_refused()
    {
        var time = TestClock.CreateForTokens();
        var store = new InMemorySigningKeyStore(time);
        var protector = new TestSecretProtector();
        var host = await StartAsync(services => Share(services, store, protector), "RS256", time);
        using var instance = new TokenTestContext("RS256", store, protector, time);
        try
        {
            var (issued, _) = await host.IssueAsync("owner");
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(await instance.RawKeyAsync(issued.KeyId), out _);
            var confused = Jwt.SignHs256(
                new { alg = "HS256", typ = "at+jwt", kid = issued.KeyId },
                Jwt.Payload(instance.Options, time.GetUtcNow()),
                rsa.ExportSubjectPublicKeyInfo());

            using var response = await host.Client.SendAsync(Get("/me", "Bearer " + confused));

            response.Headers.WwwAuthenticate.Single().ToString()
                .ShouldBe("Bearer error=\"invalid_token\", error_description=\"The token's signing algorithm does not match its key.\"");
            (await ProblemAsync(response)).GetProperty("reason").GetString().ShouldBe("invalid_signature");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("forged", "invalid_signature", "The token's signature is invalid.")]
    [InlineData("aud", "invalid_claims", "The token is meant for another audience.")]
    [InlineData("iss", "invalid_claims", "The token was issued by another issuer.")]
    [InlineData("typ", "invalid_claims", "The token is not an access token (typ at+jwt).")]
    [InlineData("sst", "invalid_claims", "The token has no security stamp (sst).")]
    public async Task The_JwtBearer_handler_s_refusals_keep_the_suite_s_reasons(string change, string reason, string detail)
    {
        var time = TestClock.CreateForTokens();
        var store = new InMemorySigningKeyStore(time);
        var protector = new TestSecretProtector();
        var host = await StartAsync(services => Share(services, store, protector), time: time);
        using var instance = new TokenTestContext("HS256", store, protector, time);
        try
        {
            var (issued, _) = await host.IssueAsync();
            var key = await instance.RawKeyAsync(issued.KeyId);
            if (change == "forged")
            {
                key = RandomNumberGenerator.GetBytes(key.Length);
            }

            var token = Jwt.SignHs256(
                new { alg = "HS256", typ = change == "typ" ? "JWT" : "at+jwt", kid = issued.KeyId },
                Jwt.Payload(instance.Options, time.GetUtcNow(), payload =>
                {
                    if (change is "aud" or "iss")
                    {
                        payload[change] = "https://someone-else.example";
                    }
                    else if (change == "sst")
                    {
                        payload.Remove("sst");
                    }
                }),
                key);

            using var response = await host.Client.SendAsync(Get("/me", "Bearer " + token));

            response.Headers.WwwAuthenticate.Single().ToString()
                .ShouldBe($"Bearer error=\"invalid_token\", error_description=\"{detail}\"");
            var problem = await ProblemAsync(response);
            problem.GetProperty("reason").GetString().ShouldBe(reason);
            problem.GetProperty("detail").GetString().ShouldBe(detail);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_token_signed_by_a_key_made_on_another_instance_is_accepted_once_the_ring_refreshes()
    {
        var time = TestClock.CreateForTokens();
        var store = new InMemorySigningKeyStore(time);
        var protector = new TestSecretProtector();
        var host = await StartAsync(services => Share(services, store, protector), time: time);
        using var other = new TokenTestContext("HS256", store, protector, time);
        try
        {
            var (first, _) = await host.IssueAsync();
            var newKeyId = await other.Ring.RotateAsync();
            var issued = await other.IssueAsync("member");
            issued.KeyId.ShouldBe(newKeyId);
            newKeyId.ShouldNotBe(first.KeyId);
            var ring = host.Services.GetRequiredService<SigningKeyRing>();
            ring.CurrentSnapshot!.ByKeyId.ShouldNotContainKey(newKeyId);

            using var response = await host.Client.SendAsync(Get("/scheme", "Bearer " + issued.Token));

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldBe(FoundationAuthenticationDefaults.AccessTokenScheme);
            ring.CurrentSnapshot!.ByKeyId.ShouldContainKey(newKeyId);

            // The host's own token, signed by the key the other instance retired, still validates.
            using var old = await host.Client.SendAsync(Get("/me", "Bearer " + first.Token));
            old.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static void Share(IServiceCollection services, ISigningKeyStore store, ISecretProtector protector)
    {
        services.AddSingleton(store);
        services.AddSingleton(protector);
    }

    private sealed class TenantStampingEvents : JwtBearerEvents
    {
        public override Task TokenValidated(TokenValidatedContext context)
        {
            ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim("stamped", "yes"));
            return Task.CompletedTask;
        }
    }
}
