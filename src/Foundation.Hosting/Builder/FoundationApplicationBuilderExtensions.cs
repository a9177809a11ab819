using Foundation.Hosting;
using Foundation.Hosting.Correlation;
using Foundation.Hosting.Health;
using Foundation.Hosting.Metrics;
using Foundation.Hosting.RateLimiting;
using Foundation.Hosting.SecurityHeaders;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Foundation's middleware and endpoints to an ASP.NET Core app.</summary>
public static class FoundationApplicationBuilderExtensions
{
    /// <summary>
    /// Adds Foundation's middleware, in this order: forwarded headers (only from trusted proxies), request
    /// correlation, security headers, the exception handler (RFC 9457 problems), status-code problems, HSTS
    /// and HTTPS redirection (outside Development), CORS, the rate limiter, authentication (the <c>Bearer</c> scheme
    /// of Foundation.Auth), the "2FA required for roles" check (<c>Foundation:Auth:Totp:RequiredForRoles</c>),
    /// authorization, and the JSON body guard (a JSON body that is malformed, or whose text is not valid UTF-8, is
    /// refused with 400 before any endpoint reads it). Call it before your own endpoints' middleware.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddFoundation</c> was not called.</exception>
    public static IApplicationBuilder UseFoundation(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        if (services.GetService<FoundationServiceCollectionExtensions.FoundationMarker>() is null)
        {
            throw new InvalidOperationException(
                "Foundation's services are missing: call builder.Services.AddFoundation(builder.Configuration) before app.UseFoundation().");
        }

        var options = services.GetRequiredService<IOptions<HostingOptions>>().Value;
        var environment = services.GetRequiredService<IWebHostEnvironment>();

        if (options.ForwardedHeaders.TrustedProxies.Count > 0 || options.ForwardedHeaders.TrustedNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<RequestIdMiddleware>();
        if (options.SecurityHeaders.Enabled)
        {
            app.UseMiddleware<SecurityHeadersMiddleware>();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHostFiltering();

        if (!environment.IsDevelopment())
        {
            if (options.SecurityHeaders.Enabled && options.SecurityHeaders.Hsts.Enabled)
            {
                app.UseHsts();
            }

            if (options.HttpsRedirection ?? true)
            {
                app.UseHttpsRedirection();
            }
        }
        else if (options.HttpsRedirection == true)
        {
            app.UseHttpsRedirection();
        }

        app.UseCors();
        if (options.RateLimiting.Enabled)
        {
            app.UseRateLimiter();
        }

        app.UseAuthentication();

        // Before authorization: a caller who must enrol in 2FA first hears that, not a step-up or role refusal.
        app.UseFoundationSecondFactorEnrolment();
        app.UseAuthorization();

        // After authorization, so only callers the endpoint admits make the server read a body.
        app.UseMiddleware<Foundation.Hosting.Errors.JsonBodyGuardMiddleware>();
        return app;
    }

    /// <summary>
    /// Maps Foundation's endpoints: <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c> (paths
    /// configurable), and those of every Foundation package registered. Health and metrics are exempt from
    /// rate limiting.
    /// </summary>
    public static IEndpointRouteBuilder MapFoundationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<HostingOptions>>().Value;

        endpoints.MapHealthChecks(options.Health.LivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Live),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableRateLimiting().WithDisplayName("Foundation liveness");

        endpoints.MapHealthChecks(options.Health.ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableRateLimiting().WithDisplayName("Foundation readiness");

        MetricsRegistration.MapFoundationMetrics(endpoints);

        // One group without a prefix around the packages' endpoints (Auth and Auth.Totp tag their own 2FA-enrolment exemptions).
        var packages = endpoints.MapGroup(string.Empty);
        packages.MapFoundationAuthAccountApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Auth));
        packages.MapFoundationSessionApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        packages.MapFoundationApiKeyApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        packages.MapFoundationOrganizationsApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        packages.MapFoundationTotpApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Auth));
        packages.MapFoundationLlmProviderKeysApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        packages.MapFoundationLlmApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Llm));
        packages.MapFoundationLlmGateway().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Llm));
        packages.MapFoundationCostingApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        packages.MapFoundationAuditApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        packages.MapFoundationGdprApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        packages.MapFoundationStorageApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        packages.MapFoundationFeatureFlagsApi().WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api));
        return endpoints;
    }

    /// <summary>
    /// <c>UseFoundation()</c> and <c>MapFoundationEndpoints()</c> in one call, for apps that want nothing in between.
    /// </summary>
    public static WebApplication UseFoundationWithEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseFoundation();
        app.MapFoundationEndpoints();
        return app;
    }
}
