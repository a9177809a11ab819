using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Foundation.Hosting.SecurityHeaders;

/// <summary>
/// Adds the security headers to every response, just before it starts, so that error answers written by
/// later middleware (which clear the headers) still carry them.
/// </summary>
internal sealed class SecurityHeadersMiddleware
{
    private static readonly Func<object, Task> OnStartingCallback = ApplyHeaders;

    private readonly RequestDelegate _next;
    private readonly HeaderSet _headers;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<HostingOptions> options)
    {
        _next = next;
        _headers = new HeaderSet(options.Value.SecurityHeaders);
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(OnStartingCallback, new PendingResponse(_headers, context));
        return _next(context);
    }

    private static Task ApplyHeaders(object state)
    {
        var pending = (PendingResponse)state;
        pending.Headers.Apply(pending.Context);
        return Task.CompletedTask;
    }

    private sealed record PendingResponse(HeaderSet Headers, HttpContext Context);

    /// <summary>The header values, computed once from the options.</summary>
    internal sealed class HeaderSet
    {
        private readonly StringValues _frameOptions;
        private readonly StringValues _referrerPolicy;
        private readonly StringValues _permissionsPolicy;
        private readonly StringValues _coop;
        private readonly bool _noSniff;
        private readonly bool _removeServer;
        private readonly string _cspHeaderName;
        private readonly StringValues _defaultCsp;
        private readonly (string Prefix, StringValues Policy)[] _overrides;

        public HeaderSet(SecurityHeadersOptions options)
        {
            _frameOptions = ToValue(options.FrameOptions);
            _referrerPolicy = ToValue(options.ReferrerPolicy);
            _permissionsPolicy = ToValue(options.PermissionsPolicy);
            _coop = ToValue(options.CrossOriginOpenerPolicy);
            _noSniff = options.ContentTypeOptionsNoSniff;
            _removeServer = options.RemoveServerHeader;
            _cspHeaderName = options.ContentSecurityPolicyReportOnly
                ? HeaderNames.ContentSecurityPolicyReportOnly
                : HeaderNames.ContentSecurityPolicy;
            _defaultCsp = ToValue(options.ContentSecurityPolicy);
            _overrides = options.ContentSecurityPolicyOverrides
                .Select(kv => (Prefix: kv.Key.TrimEnd('/'), Policy: ToValue(kv.Value)))
                .OrderByDescending(o => o.Prefix.Length)
                .ToArray();
        }

        public void Apply(HttpContext context)
        {
            var headers = context.Response.Headers;
            if (_frameOptions.Count > 0)
            {
                headers.XFrameOptions = _frameOptions;
            }

            if (_noSniff)
            {
                headers.XContentTypeOptions = "nosniff";
            }

            if (_referrerPolicy.Count > 0)
            {
                headers["Referrer-Policy"] = _referrerPolicy;
            }

            if (_permissionsPolicy.Count > 0)
            {
                headers["Permissions-Policy"] = _permissionsPolicy;
            }

            if (_coop.Count > 0)
            {
                headers["Cross-Origin-Opener-Policy"] = _coop;
            }

            var csp = PolicyFor(context.Request.Path);
            if (csp.Count > 0)
            {
                headers[_cspHeaderName] = csp;
            }

            if (_removeServer)
            {
                headers.Remove(HeaderNames.Server);
            }
        }

        internal StringValues PolicyFor(PathString path)
        {
            foreach (var (prefix, policy) in _overrides)
            {
                if (prefix.Length == 0 || path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return policy;
                }
            }

            return _defaultCsp;
        }

        private static StringValues ToValue(string? value) =>
            string.IsNullOrWhiteSpace(value) ? StringValues.Empty : new StringValues(value.Trim());
    }
}
