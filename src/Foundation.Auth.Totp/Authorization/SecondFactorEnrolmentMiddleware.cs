using System.Security.Claims;
using Foundation.Auth.Tokens;
using Foundation.Auth.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Totp.Authorization;

/// <summary>
/// "2FA required for roles" (<c>Foundation:Auth:Totp:RequiredForRoles</c>): a signed-in caller holding one of those roles
/// (or a built-in role above one) whose user has no TOTP enabled gets 403 <c>second_factor_enrolment_required</c> on
/// every endpoint that requires authorization, except those marked <see cref="AllowWithoutSecondFactorEnrolmentAttribute"/>.
/// Endpoints anyone may call (anonymous ones, health, metrics, OpenAPI) are not affected: dropping the token would get
/// the caller in anyway. Also evicts the caller from <see cref="SecondFactorEnrolmentCache"/> when an endpoint that
/// enables or disables TOTP answers. Runs after authentication and before authorization
/// (<c>app.UseFoundationSecondFactorEnrolment()</c>).
/// </summary>
internal sealed class SecondFactorEnrolmentMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SecondFactorEnrolmentCache _cache;
    private readonly IAuthorizationPolicyProvider _policies;
    private readonly string[] _requiredRoles;

    public SecondFactorEnrolmentMiddleware(
        RequestDelegate next,
        SecondFactorEnrolmentCache cache,
        IAuthorizationPolicyProvider policies,
        IOptions<TotpOptions> options)
    {
        _next = next;
        _cache = cache;
        _policies = policies;
        _requiredRoles = [.. (options.Value.RequiredForRoles ?? []).Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null
            || context.User.Identity?.IsAuthenticated != true
            || !Guid.TryParse(context.User.FindFirstValue(AuthClaims.Subject), out var userId))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var changesEnrolment = endpoint.Metadata.GetMetadata<SecondFactorEnrolmentChangeMetadata>() is not null;
        if (changesEnrolment)
        {
            // When the answer starts the change is committed, and the client cannot have sent its next request yet.
            context.Response.OnStarting(() =>
            {
                _cache.Invalidate(userId);
                return Task.CompletedTask;
            });
        }

        if (_requiredRoles.Length > 0
            && endpoint.Metadata.GetMetadata<AllowWithoutSecondFactorEnrolmentAttribute>() is null
            && RequiredRole(context.User) is { } role
            && await RequiresAuthorizationAsync(endpoint).ConfigureAwait(false)
            && !await _cache.IsEnabledAsync(userId, IsEnabledAsync(context), context.RequestAborted).ConfigureAwait(false))
        {
            await SecondFactorEnrolmentProblems.WriteEnrolmentRequiredAsync(context, role).ConfigureAwait(false);
            return;
        }

        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            if (changesEnrolment)
            {
                _cache.Invalidate(userId);
            }
        }
    }

    /// <summary>The first of RequiredForRoles the caller holds, directly or through a higher built-in role.</summary>
    private string? RequiredRole(ClaimsPrincipal user)
    {
        var held = user.FindAll(AuthClaims.Role).Select(c => c.Value).ToList();
        if (held.Count == 0)
        {
            return null;
        }

        foreach (var required in _requiredRoles)
        {
            if (Roles.Satisfies(held, required))
            {
                return required;
            }
        }

        return null;
    }

    /// <summary>What the authorization middleware would protect: authorization metadata without AllowAnonymous, or a fallback policy.</summary>
    private async ValueTask<bool> RequiresAuthorizationAsync(Endpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return false;
        }

        if (metadata.GetMetadata<IAuthorizeData>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null
            || metadata.GetMetadata<IAuthorizationRequirementData>() is not null)
        {
            return true;
        }

        return await _policies.GetFallbackPolicyAsync().ConfigureAwait(false) is not null;
    }

    private static Func<Guid, CancellationToken, Task<bool>> IsEnabledAsync(HttpContext context) =>
        (userId, ct) => context.RequestServices.GetRequiredService<TotpService>().IsEnabledAsync(userId, ct);
}
