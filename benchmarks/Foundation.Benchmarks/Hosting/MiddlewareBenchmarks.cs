using BenchmarkDotNet.Attributes;
using Foundation.Hosting;
using Foundation.Hosting.Correlation;
using Foundation.Hosting.SecurityHeaders;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Foundation.Benchmarks.Hosting;

/// <summary>
/// The per-request cost of Foundation's request-id and security-header middleware: one request through both,
/// with the response started (so the OnStarting callbacks that write the headers run), against the same request
/// through the terminal delegate alone.
/// </summary>
[MemoryDiagnoser]
public class MiddlewareBenchmarks
{
    private RequestDelegate _terminal = null!;
    private RequestDelegate _pipeline = null!;
    private BenchResponseFeature _response = null!;
    private HttpContext _context = null!;

    /// <summary>Whether the request carries a well-formed X-Request-ID (kept) or none (one is generated).</summary>
    [Params(true, false)]
    public bool IncomingRequestId { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new HostingOptions());
        _terminal = static context =>
        {
            context.Response.StatusCode = 200;
            return ((BenchResponseFeature)context.Features.Get<IHttpResponseFeature>()!).StartAsync();
        };
        var headers = new SecurityHeadersMiddleware(_terminal, options);
        var requestId = new RequestIdMiddleware(headers.InvokeAsync, options, NullLogger<RequestIdMiddleware>.Instance);
        _pipeline = requestId.InvokeAsync;

        _response = new BenchResponseFeature();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Method = "GET", Path = "/api/v1/hello", Scheme = "https" });
        features.Set<IHttpResponseFeature>(_response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        _context = new DefaultHttpContext(features);
    }

    [Benchmark(Baseline = true, Description = "terminal only")]
    public Task TerminalOnly()
    {
        ResetRequest();
        return _terminal(_context);
    }

    [Benchmark(Description = "request id + security headers")]
    public Task WithFoundationMiddleware()
    {
        ResetRequest();
        return _pipeline(_context);
    }

    private void ResetRequest()
    {
        _response.Reset();
        var request = _context.Request.Headers;
        request.Clear();
        if (IncomingRequestId)
        {
            request["X-Request-ID"] = "0192f3a4-client-request.42";
        }
    }

    /// <summary>A response feature that runs OnStarting callbacks when the terminal starts the response.</summary>
    private sealed class BenchResponseFeature : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = new(4);

        public int StatusCode { get; set; } = 200;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted { get; private set; }

        public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));

        public void OnCompleted(Func<object, Task> callback, object state)
        {
        }

        public Task StartAsync()
        {
            HasStarted = true;
            for (var i = _onStarting.Count - 1; i >= 0; i--)
            {
                _ = _onStarting[i].Callback(_onStarting[i].State);
            }

            return Task.CompletedTask;
        }

        public void Reset()
        {
            HasStarted = false;
            _onStarting.Clear();
            Headers.Clear();
        }
    }
}
