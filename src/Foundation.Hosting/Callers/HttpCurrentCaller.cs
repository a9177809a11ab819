using Foundation.Callers;
using Foundation.Hosting.Correlation;
using Foundation.Hosting.Logging;
using Microsoft.AspNetCore.Http;

namespace Foundation.Hosting.Callers;

/// <summary>
/// <see cref="ICurrentCaller"/> over the current <see cref="HttpContext"/>: the user from the <c>sub</c>
/// (or name identifier) claim, the tenant from the <c>tenant</c> claim, roles from role claims, and the
/// request id from the correlation middleware. Outside a request it is anonymous.
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
