using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
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
    /// <summary>The named HTTP client used for checks (its primary handler refuses private addresses unless allowed).</summary>
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
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is PrivateAddressException ? ex.InnerException.Message : $"Could not reach {request.RequestUri!.Host}: {ex.HttpRequestError}.";
            return new ProviderKeyTestResult(false, null, Elapsed(started), reason);
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

    /// <summary>The primary handler of <see cref="HttpClientName"/>: connects only to addresses the options allow.</summary>
    internal static SocketsHttpHandler CreateHandler(IOptions<ProviderKeyOptions> options) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
            if (!options.Value.AllowPrivateNetworkBaseUrls)
            {
                addresses = Array.FindAll(addresses, a => !ProviderBaseUrls.IsPrivate(a));
                if (addresses.Length == 0)
                {
                    throw new PrivateAddressException(context.DnsEndPoint.Host);
                }
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>The host resolves only to addresses the server does not call.</summary>
    private sealed class PrivateAddressException(string host)
        : IOException($"{host} resolves only to loopback, private or link-local addresses, which this server does not call (Foundation:Llm:ProviderKeys:AllowPrivateNetworkBaseUrls).");
}
