using System.Collections;
using System.Security.Claims;
using Foundation.Hosting.Correlation;
using Microsoft.AspNetCore.Http;

namespace Foundation.Hosting.Logging;

/// <summary>
/// The correlation of a request: its <see cref="IRequestIdFeature"/>, and its logging scope of <c>RequestId</c>,
/// <c>UserId</c> and <c>TenantId</c>. User and tenant are read when a log entry is written, so entries made after
/// authentication carry them.
/// </summary>
internal sealed class CallerLogScope(HttpContext context, string requestId, bool isFromCaller, string headerName)
    : IReadOnlyList<KeyValuePair<string, object?>>, IRequestIdFeature
{
    public HttpContext Context => context;

    public string HeaderName => headerName;

    public string RequestId => requestId;

    public bool IsFromCaller => isFromCaller;

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", requestId),
        1 => new("UserId", CallerClaims.UserId(context.User)),
        2 => new("TenantId", CallerClaims.TenantId(context.User)),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        $"RequestId:{requestId} UserId:{CallerClaims.UserId(context.User)} TenantId:{CallerClaims.TenantId(context.User)}";
}

/// <summary>Where the caller's identity lives in a <see cref="ClaimsPrincipal"/>.</summary>
internal static class CallerClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tenant";
    public const string Role = "role";
    public const string ApiKey = "api_key_id";
    public const string TeamClaim = "team";
    public const string TeamIdClaim = "team_id";

    public static string? UserId(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        return user.FindFirst(Subject)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
    }

    public static string? TenantId(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirst(Tenant)?.Value : null;

    public static string? ApiKeyId(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirst(ApiKey)?.Value : null;

    public static string? TeamId(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirst(TeamIdClaim)?.Value ?? user.FindFirst(TeamClaim)?.Value : null;

    public static IReadOnlyList<string> Roles(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return [];
        }

        var roles = new List<string>();
        foreach (var claim in user.Claims)
        {
            if ((string.Equals(claim.Type, ClaimTypes.Role, StringComparison.Ordinal) || string.Equals(claim.Type, Role, StringComparison.Ordinal)) && !roles.Contains(claim.Value, StringComparer.Ordinal))
            {
                roles.Add(claim.Value);
            }
        }

        return roles;
    }
}
