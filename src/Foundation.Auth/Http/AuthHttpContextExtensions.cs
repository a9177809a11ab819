using Foundation.Auth.Accounts;
using Microsoft.AspNetCore.Http;

namespace Foundation.Auth.Http;

/// <summary>What Foundation.Auth's endpoints read from a request.</summary>
public static class AuthHttpContextExtensions
{
    /// <summary>
    /// The caller's address, User-Agent and request id (<see cref="HttpContext.TraceIdentifier"/>, which Foundation.Hosting
    /// sets to the correlated request id), as recorded on sessions and audit events.
    /// </summary>
    public static ClientInfo GetClientInfo(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return new ClientInfo(
            http.Connection.RemoteIpAddress?.ToString(),
            http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
            http.TraceIdentifier);
    }
}
