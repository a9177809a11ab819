using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Foundation.Hosting.Tests.Infrastructure;

/// <summary>
/// Test-only: sets <c>HttpContext.Connection.RemoteIpAddress</c> from the <c>X-Test-Peer</c> request header, so a
/// test can play several network peers. Its middleware runs before the app's own pipeline (forwarded headers,
/// rate limiter), so everything in the app sees the simulated peer as the direct connection.
/// </summary>
public sealed class TestPeerStartupFilter : IStartupFilter
{
    /// <summary>The request header that names the simulated peer's IP address.</summary>
    public const string HeaderName = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(HeaderName, out var peer) && IPAddress.TryParse(peer.ToString(), out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
