using System.Globalization;
using System.Net.Http.Headers;
using Foundation.Llm.Routing.Outbound;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing.Storage;

/// <summary>
/// The live check of a provider key: one cheap authenticated GET (OpenAI-style <c>{base}/models</c>; Anthropic
/// <c>{base}/models</c> with <c>x-api-key</c> and <c>anthropic-version</c>; HuggingFace <c>whoami-v2</c> or
/// <c>{base}/models</c>), through the <see cref="IHttpClientFactory"/> client <see cref="HttpClientName"/>, within
/// <see cref="ProviderKeyOptions.TestTimeoutSeconds"/>. The key is never logged or returned.
/// </summary>
public sealed class ProviderKeyTester
{
    /// <summary>
    /// The named HTTP client used for checks: its primary handler is <see cref="OutboundAddressPolicy"/>'s guard, which refuses
    /// loopback, private and other internal addresses unless the operator allows the host.
    /// </summary>
    public const string HttpClientName = "Foundation.Llm.ProviderKeyTest";

    private static readonly Uri OpenAIDefault = new("https://api.openai.com/v1/");
    private static readonly Uri AnthropicDefault = new("https://api.anthropic.com/v1/");
    private static readonly Uri HuggingFaceWhoAmI = new("https://huggingface.co/api/whoami-v2");

    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _time;
    private readonly ProviderKeyOptions _options;

    /// <summary>Creates the tester.</summary>
    public ProviderKeyTester(IHttpClientFactory clients, TimeProvider time, IOptions<ProviderKeyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _clients = clients;
        _time = time;
        _options = options.Value;
    }

    /// <summary>Checks <paramref name="apiKey"/> against <paramref name="provider"/> (at <paramref name="baseUrl"/> when given).</summary>
    /// <exception cref="OutboundAddressRefusedException">The host is, or resolves to, an address the guard refuses; nothing was sent.</exception>
    public async Task<ProviderKeyTestResult> TestAsync(ProviderKeyType provider, string apiKey, Uri? baseUrl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        using var request = BuildRequest(provider, apiKey, baseUrl);
        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.TestTimeoutSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = _clients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var elapsed = Elapsed(started);
            var status = (int)response.StatusCode;
            var message = response.IsSuccessStatusCode
                ? string.Create(CultureInfo.InvariantCulture, $"The provider accepted the key (HTTP {status}).")
                : status is 401 or 403
                    ? string.Create(CultureInfo.InvariantCulture, $"The provider refused the key (HTTP {status}).")
                    : string.Create(CultureInfo.InvariantCulture, $"The provider answered HTTP {status} {response.ReasonPhrase}.");
            return new ProviderKeyTestResult(response.IsSuccessStatusCode, status, elapsed, message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new ProviderKeyTestResult(
                false, null, Elapsed(started), string.Create(CultureInfo.InvariantCulture, $"The provider did not answer within {_options.TestTimeoutSeconds} seconds."));
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundAddressRefusedException refused)
        {
            // The request's fault, not the provider's: the caller gets a 422 naming the rule.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refused);
            throw;
        }
        catch (HttpRequestException ex)
        {
            return new ProviderKeyTestResult(false, null, Elapsed(started), $"Could not reach {request.RequestUri!.Host}: {ex.HttpRequestError}.");
        }
    }

    private long Elapsed(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;

    private static HttpRequestMessage BuildRequest(ProviderKeyType provider, string apiKey, Uri? baseUrl)
    {
        HttpRequestMessage request;
        switch (provider)
        {
            case ProviderKeyType.Anthropic:
                request = new HttpRequestMessage(HttpMethod.Get, new Uri(WithSlash(baseUrl) ?? AnthropicDefault, "models"));
                request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
                request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
                return request;
            case ProviderKeyType.HuggingFace when baseUrl is null:
                request = new HttpRequestMessage(HttpMethod.Get, HuggingFaceWhoAmI);
                break;
            default:
                request = new HttpRequestMessage(HttpMethod.Get, new Uri(WithSlash(baseUrl) ?? OpenAIDefault, "models"));
                break;
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return request;
    }

    private static Uri? WithSlash(Uri? baseUrl) =>
        baseUrl is null ? null : baseUrl.AbsolutePath.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
}
