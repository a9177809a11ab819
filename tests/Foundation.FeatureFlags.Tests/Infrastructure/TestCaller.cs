using System.Security.Claims;
using System.Text.Encodings.Web;
using Foundation.Auditing;
using Foundation.Callers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.FeatureFlags.Tests.Infrastructure;

/// <summary>
/// A test authentication scheme: the header <c>X-Test-Caller: {sub};{tenant};{role,role};{team}</c> (team optional) becomes a principal
/// with <c>sub</c>, <c>tenant</c>, role and <c>team_id</c> claims.
/// </summary>
internal sealed class TestCallerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestCaller";
    public const string Header = "X-Test-Caller";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var value))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var principal = Principal(value.ToString());
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    public static ClaimsPrincipal Principal(string caller)
    {
        var parts = caller.Split(';');
        var claims = new List<Claim> { new("sub", parts[0]), new("tenant", parts[1]) };
        if (parts.Length > 2)
        {
            claims.AddRange(parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
        }

        if (parts.Length > 3 && parts[3].Length > 0)
        {
            claims.Add(new Claim("team_id", parts[3]));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }
}

/// <summary>The caller from the test claims, as a host implements <see cref="ICurrentCaller"/> over its own authentication.</summary>
internal sealed class TestCurrentCaller(IHttpContextAccessor accessor) : ICurrentCaller
{
    public string? UserId => accessor.HttpContext?.User.FindFirst("sub")?.Value;

    public string? TenantId => accessor.HttpContext?.User.FindFirst("tenant")?.Value;

    public IReadOnlyList<string> Roles => accessor.HttpContext?.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList() ?? [];

    public string? RequestId => accessor.HttpContext?.TraceIdentifier;

    public string? TeamId => accessor.HttpContext?.User.FindFirst("team_id")?.Value;
}

/// <summary>Keeps every audit event written, in order.</summary>
internal sealed class RecordingAuditWriter : IAuditEventWriter
{
    private readonly List<AuditEvent> _events = [];

    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        lock (_events)
        {
            _events.Add(auditEvent);
        }

        return ValueTask.CompletedTask;
    }
}
