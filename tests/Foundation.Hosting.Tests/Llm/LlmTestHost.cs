using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Llm.Routing.Routing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using AI = Microsoft.Extensions.AI;

namespace Foundation.Hosting.Tests.Llm;

/// <summary>
/// The sample app in memory with the LLM endpoints: optionally a <see cref="ScriptedChatClient"/> and a
/// <see cref="TestModelCatalog"/> in place of the router, a recording audit writer, fast password hashing and no rate limits
/// in the way. Helpers sign users up and make Foundation API keys.
/// </summary>
internal sealed class LlmTestHost : IDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly SampleAppFactory _factory;

    public LlmTestHost(ScriptedChatClient? chat = null, IReadOnlyDictionary<string, string?>? settings = null, RecordingLoggerProvider? logs = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Foundation:Auth:Passwords:Pbkdf2Iterations"] = "100000",
            ["Foundation:Hosting:RateLimiting:Auth:PermitLimit"] = "100000",
            ["Foundation:Hosting:RateLimiting:Api:PermitLimit"] = "100000",
            ["Foundation:Hosting:RateLimiting:Llm:PermitLimit"] = "100000",
            ["Foundation:Auth:AllowSelfRegistrationIntoNamedTenants"] = "true",
            ["Foundation:Llm:Demo:WordDelayMilliseconds"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Chat = chat;
        _factory = new SampleAppFactory(all);
        Factory = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.Replace(ServiceDescriptor.Singleton<IAuditEventWriter>(Audit));
            if (logs is not null)
            {
                s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
            }
            if (chat is not null)
            {
                s.Replace(ServiceDescriptor.Singleton<AI.IChatClient>(chat));
                s.Replace(ServiceDescriptor.Singleton<ILlmModelCatalog>(new TestModelCatalog()));
            }
        }));
    }

    public ScriptedChatClient? Chat { get; }

    public RecordingAuditWriter Audit { get; } = new();

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>Registers and logs in; answers the access token.</summary>
    public async Task<string> SignInAsync(HttpClient client, string email, string? tenant = null)
    {
        using (var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password, tenant }))
        {
            register.StatusCode.ShouldBe(HttpStatusCode.Created, await register.Content.ReadAsStringAsync());
        }

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password, tenant });
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (await login.ReadJsonAsync()).Text("accessToken");
    }

    /// <summary>A Foundation API key (<c>fnd_...</c>) of a new user.</summary>
    public async Task<string> ApiKeyAsync(HttpClient client, string email = "gateway@example.com")
    {
        var token = await SignInAsync(client, email);
        using var created = await client.SendAsync(Authorized(HttpMethod.Post, "/api/v1/api-keys", token, new { name = "gateway" }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.ReadJsonAsync()).Text("key");
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public static HttpRequestMessage RawJson(string path, string? token, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    /// <summary>Asserts OpenAI's error shape and status; answers the <c>error</c> object.</summary>
    public static async Task<JsonElement> ShouldBeOpenAIErrorAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        using var document = JsonDocument.Parse(text);
        var error = document.RootElement.GetProperty("error").Clone();
        error.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
        error.GetProperty("type").GetString().ShouldNotBeNullOrWhiteSpace();
        error.TryGetProperty("param", out _).ShouldBeTrue();
        error.TryGetProperty("code", out _).ShouldBeTrue();
        return error;
    }

    public void Dispose()
    {
        Factory.Dispose();
        _factory.Dispose();
    }
}

/// <summary>An in-memory <see cref="AI.IChatClient"/> whose answers the test scripts; it records what it was sent.</summary>
internal sealed class ScriptedChatClient : AI.IChatClient
{
    public Func<IReadOnlyList<AI.ChatMessage>, AI.ChatOptions?, AI.ChatResponse> Respond { get; set; } =
        (_, o) => new AI.ChatResponse(new AI.ChatMessage(AI.ChatRole.Assistant, "scripted answer")) { ModelId = o?.ModelId };

    public Func<IReadOnlyList<AI.ChatMessage>, AI.ChatOptions?, IEnumerable<AI.ChatResponseUpdate>>? Stream { get; set; }

    /// <summary>Thrown by the streaming call after this many updates, when set.</summary>
    public (int After, Exception Error)? StreamFailure { get; set; }

    public IReadOnlyList<AI.ChatMessage>? LastMessages { get; private set; }

    public AI.ChatOptions? LastOptions { get; private set; }

    public Task<AI.ChatResponse> GetResponseAsync(IEnumerable<AI.ChatMessage> messages, AI.ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        LastMessages = [.. messages];
        LastOptions = options;
        return Task.FromResult(Respond(LastMessages, options));
    }

    public async IAsyncEnumerable<AI.ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AI.ChatMessage> messages, AI.ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        LastMessages = [.. messages];
        LastOptions = options;
        var updates = Stream is not null ? Stream(LastMessages, options) : Respond(LastMessages, options).ToChatResponseUpdates();
        var count = 0;
        foreach (var update in updates)
        {
            if (StreamFailure is { } failure && count == failure.After)
            {
                throw failure.Error;
            }

            await Task.Yield();
            yield return update;
            count++;
        }

        if (StreamFailure is { } late && count == late.After)
        {
            throw late.Error;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>A fixed model catalog: the alias <c>chat</c> and the provider model <c>gpt-test</c>.</summary>
internal sealed class TestModelCatalog : ILlmModelCatalog
{
    public IReadOnlyList<LlmModelInfo> ListModels(ICurrentCaller caller) => [new("chat", true, "foundation"), new("gpt-test", false, "openai")];
}
