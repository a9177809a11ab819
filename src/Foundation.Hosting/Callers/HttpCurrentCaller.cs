using Foundation.Callers;
using Foundation.Hosting.Correlation;
using Foundation.Hosting.Logging;
using Microsoft.AspNetCore.Http;

namespace Foundation.Hosting.Callers;

/// <summary>
/// <see cref="ICurrentCaller"/> over the current <see cref="HttpContext"/>: the user from the <c>sub</c>
/// (or name identifier) claim, the tenant from the <c>tenant</c> claim, roles from role claims, the API key from the
/// <c>api_key_id</c> claim, the team from the <c>team_id</c> (or <c>team</c>) claim, and the request id from the
/// correlation middleware. Outside a request it is anonymous.
/// </summary>
public sealed class HttpCurrentCaller : ICurrentCaller
{
    private readonly IHttpContextAccessor _accessor;

    /// <summary>Creates the caller view over <paramref name="accessor"/>.</summary>
    public HttpCurrentCaller(IHttpContextAccessor accessor)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        _accessor = accessor;
    }

    /// <inheritdoc />
    public string? UserId => CallerClaims.UserId(_accessor.HttpContext?.User);

    /// <inheritdoc />
    public string? TenantId => CallerClaims.TenantId(_accessor.HttpContext?.User);

    /// <inheritdoc />
    public string? ApiKeyId => CallerClaims.ApiKeyId(_accessor.HttpContext?.User);

    /// <inheritdoc />
    public string? TeamId => CallerClaims.TeamId(_accessor.HttpContext?.User);

    /// <inheritdoc />
    public IReadOnlyList<string> Roles => CallerClaims.Roles(_accessor.HttpContext?.User);

    /// <inheritdoc />
    public string? RequestId
    {
        get
        {
            var context = _accessor.HttpContext;
            return context?.Features.Get<IRequestIdFeature>()?.RequestId ?? context?.TraceIdentifier;
        }
    }
}
