using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Tests.Infrastructure;

public static class HttpAssertions
{
    public const string RequestIdHeader = "X-Request-ID";

    /// <summary>The body parsed as JSON (a detached copy).</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>A string property that must be present and not null.</summary>
    public static string Text(this JsonElement element, string name)
    {
        element.TryGetProperty(name, out var property).ShouldBeTrue($"the JSON has no '{name}': {element}");
        var value = property.GetString();
        value.ShouldNotBeNull($"'{name}' is null in {element}");
        return value;
    }

    /// <summary>The single value of a response header (or content header), or null.</summary>
    public static string? Header(this HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
        {
            return string.Join(", ", values);
        }

        return null;
    }

    /// <summary>Asserts a problem+json answer with the given status and returns its body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, int status)
    {
        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var body = await response.ReadJsonAsync();
        body.GetProperty("status").GetInt32().ShouldBe(status);
        return body;
    }

    public static HttpRequestMessage Get(string path, string? peer = null, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (peer is not null)
        {
            request.Headers.TryAddWithoutValidation(TestPeerStartupFilter.HeaderName, peer);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return request;
    }

    /// <summary>Every message of <paramref name="exception"/> and its inner exceptions, one per line.</summary>
    public static string AllMessages(this Exception exception)
    {
        var messages = new List<string>();
        var pending = new Stack<Exception>();
        pending.Push(exception);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            messages.Add($"{current.GetType().FullName}: {current.Message}");
            if (current is OptionsValidationException validation)
            {
                messages.AddRange(validation.Failures);
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is not null)
            {
                pending.Push(current.InnerException);
            }
        }

        return string.Join(System.Environment.NewLine, messages);
    }
}
