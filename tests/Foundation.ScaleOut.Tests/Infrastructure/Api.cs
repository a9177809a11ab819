using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Foundation.ScaleOut.Tests.Infrastructure;

/// <summary>The HTTP steps the tests take, against any client (an instance directly or the load balancer).</summary>
public static class Api
{
    public const string Password = "correct horse battery staple";

    public static string NewTenant() => "t" + Guid.NewGuid().ToString("N")[..12];

    public static async Task RegisterAsync(HttpClient client, string email, string tenant)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password, tenant });
        await ExpectAsync(response, HttpStatusCode.Created);
    }

    /// <summary>Logs in; answers the body (<c>accessToken</c>, <c>refreshToken</c>, or a second-factor challenge).</summary>
    public static async Task<JsonElement> LoginAsync(HttpClient client, string email, string tenant)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password, tenant });
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Registers the first user of a new tenant (its owner) and answers the access token.</summary>
    public static async Task<string> OwnerAsync(HttpClient client, string email, string tenant)
    {
        await RegisterAsync(client, email, tenant);
        return (await LoginAsync(client, email, tenant)).Text("accessToken");
    }

    /// <summary>A new Foundation API key of the caller: (id, key).</summary>
    public static async Task<(string Id, string Key)> ApiKeyAsync(HttpClient client, string token, string name)
    {
        using var response = await client.SendAsync(Authorized(HttpMethod.Post, "/api/v1/api-keys", token, new { name }));
        var body = await ExpectAsync(response, HttpStatusCode.Created);
        return (body.Text("id"), body.Text("key"));
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body = null, string? requestId = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (requestId is not null)
        {
            request.Headers.Add("X-Request-ID", requestId);
        }

        return request;
    }

    /// <summary>A chat completion of exactly the fake upstream's usage: 400 characters (100 estimated input tokens), at most 100 output tokens.</summary>
    public static HttpRequestMessage Chat(string token, string marker, string? requestId = null)
    {
        var prompt = (marker + " ").PadRight(400, 'x');
        return Authorized(HttpMethod.Post, "/v1/chat/completions", token,
            new { model = ScaleOutCluster.Alias, max_tokens = FakeUpstream.CompletionTokens, messages = new[] { new { role = "user", content = prompt } } }, requestId);
    }

    /// <summary>Asserts the status (showing the body when it differs) and answers the JSON body (or an empty element for no content).</summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Text(this JsonElement element, string property) =>
        element.GetProperty(property).GetString() ?? throw new InvalidOperationException($"'{property}' is null in {element}");

    /// <summary>The instance nginx passed the request to last (<c>$upstream_addr</c> lists each one tried).</summary>
    public static string? ServedBy(HttpResponseMessage response) =>
        response.Headers.TryGetValues(NginxBalancer.UpstreamHeader, out var values) ? values.Single().Split(',').Last().Trim() : null;
}
