using System.Security.Claims;
using Foundation.Auth.Authentication;
using Foundation.Auth.Internal;
using Foundation.Auth.Tests.Tokens;
using Foundation.Auth.Tokens;
using Foundation.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Auth.Tests.Authentication;

/// <summary>A TestServer app with the Bearer scheme, fake session and API-key checks, and a few protected endpoints.</summary>
public sealed class BearerTestHost : IAsyncLifetime
{
    private readonly bool _withApiKeys;
    private readonly bool _withSessions;
    private readonly bool _withProblemDetails;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly string _algorithm;
    private WebApplication? _app;

    public BearerTestHost()
        : this(withApiKeys: true, withSessions: true, withProblemDetails: true)
    {
    }

    internal BearerTestHost(
        bool withApiKeys,
        bool withSessions,
        bool withProblemDetails,
        Action<IServiceCollection>? configureServices = null,
        string algorithm = "HS256",
        FakeTimeProvider? time = null)
    {
        _withApiKeys = withApiKeys;
        _withSessions = withSessions;
        _withProblemDetails = withProblemDetails;
        _configureServices = configureServices;
        _algorithm = algorithm;
        Time = time ?? TestClock.CreateForTokens();
    }

    public FakeTimeProvider Time { get; }

    public FakeSessionValidator Sessions { get; } = new();

    public FakeApiKeyAuthenticator ApiKeys { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public IAccessTokenService Tokens { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddSingleton<ISecretProtector, TestSecretProtector>();
        _configureServices?.Invoke(builder.Services);
        if (_withSessions)
        {
            builder.Services.AddSingleton<ISessionValidator>(Sessions);
        }

        if (_withApiKeys)
        {
            builder.Services.AddSingleton<IApiKeyAuthenticator>(ApiKeys);
        }

        if (_withProblemDetails)
        {
            builder.Services.AddProblemDetails();
        }

        builder.Services.AddOptions<AuthOptions>().Configure(o => o.Tokens.Algorithm = _algorithm);
        AuthRegistration.RegisterTokens(builder.Services);
        builder.Services.AddAuthorization();

        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGet("/me", (ClaimsPrincipal user) => new Caller(
            user.FindFirst(AuthClaims.Subject)?.Value,
            user.FindFirst(AuthClaims.Tenant)?.Value,
            user.FindAll(AuthClaims.Role).Select(c => c.Value).ToArray(),
            user.Identity?.Name,
            user.IsInRole("admin"))).RequireAuthorization();
        _app.MapGet("/admin", () => "welcome, admin").RequireAuthorization(policy => policy.RequireRole("admin"));
        _app.MapGet("/open", () => "hello");
        _app.MapGet("/second-factor", (ClaimsPrincipal user) => user.FindAll(AuthClaims.SecondFactorTime).Select(c => c.Value).ToArray()).RequireAuthorization();
        _app.MapGet("/claims", (ClaimsPrincipal user) => user.Claims.Select(c => c.Type + "=" + c.Value).ToArray()).RequireAuthorization();
        _app.MapGet("/scheme", (HttpContext context) =>
            context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Ticket?.AuthenticationScheme).RequireAuthorization();
        await _app.StartAsync();
        Client = _app.GetTestClient();
        Tokens = _app.Services.GetRequiredService<IAccessTokenService>();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public async Task<(IssuedAccessToken Issued, AccessTokenRequest Request)> IssueAsync(params string[] roles)
    {
        var request = TokenTestContext.NewRequest(roles);
        return (await Tokens.IssueAsync(request), request);
    }

    public sealed record Caller(string? Sub, string? Tenant, string[] Roles, string? Name, bool IsAdmin);
}

public sealed class FakeSessionValidator : ISessionValidator
{
    public HashSet<Guid> Revoked { get; } = [];

    public List<(Guid UserId, Guid SessionId, string Stamp)> Calls { get; } = [];

    /// <summary>Sessions whose principal carries a second-factor time (like the real validator's, read from the session).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> SecondFactorAt { get; } = new();

    public ValueTask<CredentialCheck> ValidateAsync(Guid userId, Guid sessionId, string securityStamp, CancellationToken cancellationToken = default)
    {
        lock (Calls)
        {
            Calls.Add((userId, sessionId, securityStamp));
        }

        if (Revoked.Contains(sessionId))
        {
            return ValueTask.FromResult(CredentialCheck.Refused("The session was revoked; sign in again."));
        }

        var principal = new ClaimsPrincipal();
        if (SecondFactorAt.TryGetValue(sessionId, out var at))
        {
            principal.AddIdentity(new ClaimsIdentity([new Claim(AuthClaims.SecondFactorTime, at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))], "Session"));
        }

        return ValueTask.FromResult(CredentialCheck.Accepted(principal));
    }
}

public sealed class FakeApiKeyAuthenticator : IApiKeyAuthenticator
{
    public const string GoodKey = "fnd_k1_s3cr3t";
    public static readonly Guid Owner = Guid.CreateVersion7();

    public ValueTask<CredentialCheck> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        if (presentedKey != GoodKey)
        {
            return ValueTask.FromResult(CredentialCheck.Refused("The API key is not valid."));
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(AuthClaims.Subject, Owner.ToString()),
                new Claim(AuthClaims.Tenant, "acme"),
                new Claim(AuthClaims.Role, "member"),
                new Claim(AuthClaims.ApiKeyId, "k1"),
            ],
            "ApiKey",
            AuthClaims.Subject,
            AuthClaims.Role);
        return ValueTask.FromResult(CredentialCheck.Accepted(new ClaimsPrincipal(identity)));
    }
}
