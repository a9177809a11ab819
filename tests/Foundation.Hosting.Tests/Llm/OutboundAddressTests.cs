using System.Collections.Concurrent;
using System.Net;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Storage;
using Foundation.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Tests.Llm;

/// <summary>
/// Server-side request forgery through a stored base URL, end to end on the sample host (SQLite): a custom provider key whose
/// base URL names a host that resolves to loopback is refused where the connection is made, on <c>/api/v1/llm/chat</c>,
/// <c>/v1/chat/completions</c> and the key's live check, with a 422 naming the rule; the fake provider listening there is
/// never reached with the caller's key. The operator's own provider on the same loopback address keeps working, and the
/// operator's allow list (<c>Foundation:Llm:ProviderKeys:AllowedHosts</c>) opens the host. A caller's broken own key never
/// cools the shared deployment down for the others.
/// </summary>
public sealed class OutboundAddressTests : IAsyncLifetime
{
    private const string OperatorKey = "operator-GOODKEY-000000";

    private readonly ConcurrentQueue<string> _seenKeys = new();
    private WebApplication? _fake;
    private int _port;

    public async Task InitializeAsync()
    {
        _fake = FakeProvider(_seenKeys);
        await _fake.StartAsync();
        _port = new Uri(_fake.Urls.First()).Port;
    }

    public async Task DisposeAsync()
    {
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stored_base_url_whose_host_name_resolves_to_loopback_is_refused_on_every_path_and_never_reached()
    {
        using var host = Host();
        using var client = host.CreateClient();
        var alice = await host.SignInAsync(client, "alice@example.com");
        var aliceApiKey = await ApiKeyAsync(client, alice);
        var bob = await host.SignInAsync(client, "bob@example.com");

        // Creation refuses the name outright (defence in depth)...
        using (var refused = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/provider-keys", alice,
            new { provider = "custom", name = "local", apiKey = "alice-GOODKEY-0000", baseUrl = $"http://localhost:{_port}/v1" })))
        {
            var problem = await refused.ShouldBeProblemAsync(400);
            problem.Text("field").ShouldBe("baseUrl");
            problem.Text("detail").ShouldContain("loopback");
        }

        // ...but the connect-time check is the guarantee: a key whose host passed creation (stored while the operator allowed it,
        // or when the name still resolved elsewhere) is refused when the server is about to connect.
        var keyId = await StoreAsync(host, client, alice, $"http://localhost:{_port}/v1", "alice-GOODKEY-0000");

        foreach (var stream in new[] { false, true })
        {
            using var chat = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", alice,
                new { messages = new[] { new { role = "user", content = "hi" } }, stream }));
            var problem = await chat.ShouldBeProblemAsync(422);
            problem.Text("code").ShouldBe("outbound_address_refused");
            problem.Text("rule").ShouldBe("loopback (127.0.0.0/8)");
            problem.Text("host").ShouldBe("localhost");
            problem.Text("detail").ShouldContain("Foundation:Llm:ProviderKeys:AllowedHosts");
        }

        foreach (var stream in new[] { false, true })
        {
            using var completion = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/v1/chat/completions", aliceApiKey,
                new { model = "chat", messages = new[] { new { role = "user", content = "hi" } }, stream }));
            var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(completion, 422);
            error.Text("code").ShouldBe("outbound_address_refused");
            error.Text("type").ShouldBe("invalid_request_error");
            error.Text("message").ShouldContain("loopback (127.0.0.0/8)");
        }

        using (var test = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/provider-keys/{keyId}/test", alice)))
        {
            var problem = await test.ShouldBeProblemAsync(422);
            problem.Text("code").ShouldBe("outbound_address_refused");
            problem.Text("field").ShouldBe("baseUrl");
            problem.Text("rule").ShouldBe("loopback (127.0.0.0/8)");
        }

        using (var list = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/provider-keys", alice)))
        {
            var item = (await list.ReadJsonAsync())[0];
            item.GetProperty("lastTestOk").GetBoolean().ShouldBeFalse();
            item.Text("lastTestMessage").ShouldContain("loopback");
        }

        host.Audit.Events.Single(e => e.Action == "llm.provider_key.tested").Outcome.ShouldBe(AuditOutcome.Failure);
        _seenKeys.ShouldBeEmpty("nothing reached the fake provider");

        // The operator's provider on the very same loopback address is trusted, and the refusals cooled nothing down.
        using (var chat = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", bob, new { messages = new[] { new { role = "user", content = "hi" } } })))
        {
            chat.StatusCode.ShouldBe(HttpStatusCode.OK, await chat.Content.ReadAsStringAsync());
            (await chat.ReadJsonAsync()).Text("content").ShouldBe("hello from the fake");
        }

        _seenKeys.ShouldBe([OperatorKey]);
    }

    [Fact]
    public async Task The_operators_allow_list_opens_the_host_and_a_callers_broken_key_never_cools_the_deployment_down()
    {
        using var host = Host(new Dictionary<string, string?> { ["Foundation:Llm:ProviderKeys:AllowedHosts:0"] = "localhost" });
        using var client = host.CreateClient();
        var carol = await host.SignInAsync(client, "carol@example.com");
        var alice = await host.SignInAsync(client, "alice@example.com");
        var aliceApiKey = await ApiKeyAsync(client, alice);
        var bob = await host.SignInAsync(client, "bob@example.com");

        // Allowed: created through the API and served with the caller's own key.
        await CreateAsync(client, carol, new { provider = "custom", name = "local", apiKey = "carol-GOODKEY-0000", baseUrl = $"http://localhost:{_port}/v1" });
        using (var chat = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", carol, new { messages = new[] { new { role = "user", content = "hi" } } })))
        {
            chat.StatusCode.ShouldBe(HttpStatusCode.OK, await chat.Content.ReadAsStringAsync());
        }

        _seenKeys.ShouldBe(["carol-GOODKEY-0000"]);

        // Alice's own key is broken: she gets the provider's refusal every time (more often than the cooldown threshold of 3)...
        await CreateAsync(client, alice, new { provider = "custom", name = "local", apiKey = "alice-BROKEN-00000", baseUrl = $"http://localhost:{_port}/v1" });
        for (var i = 0; i < 3; i++)
        {
            using var chat = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", alice, new { messages = new[] { new { role = "user", content = "hi" } } }));
            (await chat.ShouldBeProblemAsync(502)).Text("code").ShouldBe("upstream_authentication_failed");
            using var completion = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/v1/chat/completions", aliceApiKey,
                new { model = "chat", messages = new[] { new { role = "user", content = "hi" } } }));
            (await LlmTestHost.ShouldBeOpenAIErrorAsync(completion, 502)).Text("code").ShouldBe("upstream_authentication_failed");
        }

        _seenKeys.Count(k => k == "alice-BROKEN-00000").ShouldBe(6, "one attempt per call: the caller's key is not retried");

        // ...and everyone else is still served by the shared deployment.
        using (var chat = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", bob, new { messages = new[] { new { role = "user", content = "hi" } } })))
        {
            chat.StatusCode.ShouldBe(HttpStatusCode.OK, await chat.Content.ReadAsStringAsync());
            (await chat.ReadJsonAsync()).Text("content").ShouldBe("hello from the fake");
        }

        _seenKeys.Last().ShouldBe(OperatorKey);
    }

    private LlmTestHost Host(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Llm:Providers:local:Type"] = "OpenAICompatible",
            ["Foundation:Llm:Providers:local:BaseUrl"] = $"http://127.0.0.1:{_port}/v1",
            ["Foundation:Llm:Providers:local:ApiKey"] = OperatorKey,
            ["Foundation:Llm:Models:chat:Deployments:0:Provider"] = "local",
            ["Foundation:Llm:Models:chat:Deployments:0:Model"] = "fake-model",
            ["Foundation:Llm:Resilience:BaseDelay"] = "00:00:00",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new LlmTestHost(settings: settings);
    }

    /// <summary>Stores a key through <see cref="ProviderKeyService"/> as an operator who allowed its host at the time would have.</summary>
    private static async Task<string> StoreAsync(LlmTestHost host, HttpClient client, string token, string baseUrl, string apiKey)
    {
        using var me = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/auth/me", token));
        var userId = (await me.ReadJsonAsync()).Text("id");
        var services = host.Factory.Services;
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var permissive = new ProviderKeyOptions { AllowedHosts = [new Uri(baseUrl).Host] };
        var service = new ProviderKeyService(
            sp.GetRequiredService<LlmDbContext>(),
            sp.GetRequiredService<ISecretProtector>(),
            sp.GetRequiredService<TimeProvider>(),
            Microsoft.Extensions.Options.Options.Create(permissive),
            sp.GetRequiredService<ProviderKeyTester>(),
            sp.GetRequiredService<IAuditEventWriter>(),
            sp.GetRequiredService<ICurrentCaller>(),
            sp.GetRequiredService<StoredProviderCredentialResolver>());
        var created = await service.CreateAsync(new ProviderKeyOwner(string.Empty, userId, false), new CreateProviderKeyRequest("custom", "local", apiKey, baseUrl, null));
        return created.Id.ToString();
    }

    private static async Task<string> CreateAsync(HttpClient client, string token, object body)
    {
        using var created = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/provider-keys", token, body));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.ReadJsonAsync()).Text("id");
    }

    private static async Task<string> ApiKeyAsync(HttpClient client, string token)
    {
        using var created = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/api-keys", token, new { name = "gateway" }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.ReadJsonAsync()).Text("key");
    }

    /// <summary>
    /// An OpenAI-compatible provider on loopback that would answer anyone: it records every bearer key it sees, answers 200 to a
    /// key containing GOODKEY and 401 (OpenAI's error body) to any other.
    /// </summary>
    private static WebApplication FakeProvider(ConcurrentQueue<string> seen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        bool Good(HttpContext http)
        {
            var bearer = http.Request.Headers.Authorization.ToString();
            var key = bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer["Bearer ".Length..] : bearer;
            seen.Enqueue(key);
            return key.Contains("GOODKEY", StringComparison.Ordinal);
        }

        IResult Refused() => Results.Json(new { error = new { message = "Incorrect API key provided.", type = "invalid_request_error", code = "invalid_api_key" } }, statusCode: 401);

        app.MapGet("/v1/models", (HttpContext http) => Good(http) ? Results.Json(new { @object = "list", data = Array.Empty<object>() }) : Refused());
        app.MapPost("/v1/chat/completions", (HttpContext http) => Good(http)
            ? Results.Json(new
            {
                id = "chatcmpl-fake",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = "fake-model",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = "hello from the fake" }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 3, completion_tokens = 4, total_tokens = 7 },
            })
            : Refused());
        return app;
    }
}
