using BenchmarkDotNet.Attributes;
using Foundation.Auth.Authentication;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Foundation.Hosting.Security;
using Foundation.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Benchmarks.Auth;

/// <summary>
/// Access-token authentication as a request pays for it: <c>HttpContext.AuthenticateAsync("Foundation.AccessToken")</c> on a
/// <see cref="DefaultHttpContext"/> whose <c>RequestServices</c> is a scope of a real service provider
/// (<c>AddFoundationAuth().UseSqlite(...)</c>), so the real JwtBearer handler runs with the options Foundation.Auth configures:
/// <c>OnMessageReceived</c> (size, shape, algorithm, <c>kid</c>, key from the ring), JsonWebTokenHandler with the suite's
/// TokenValidationParameters, <c>OnTokenValidated</c> (retired key, lifetime, <c>sub</c>/<c>sid</c>/<c>sst</c>, then the
/// <see cref="ISessionValidator"/>: session revoked or expired, user active, security stamp). "Session cached" is the
/// steady state (the session snapshot read within the last 5 s); "session from the database" empties the session cache before
/// each call, so the session + user query on SQLite (WAL) runs every time (once per session per 5 s per instance in production).
/// Compare with <see cref="AccessTokenBenchmarks"/>, which measures <see cref="IAccessTokenService.ValidateAsync"/> alone.
/// </summary>
[MemoryDiagnoser]
public class AccessTokenSchemeBenchmarks
{
    private string _directory = null!;
    private ServiceProvider _services = null!;
    private SessionValidationCache _sessionCache = null!;
    private string _authorization = null!;

    [Params("HS256", "ES256", "RS256")]
    public string Algorithm { get; set; } = "HS256";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "foundation-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var connectionString = $"Data Source={Path.Combine(_directory, "auth.db")}";

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISecretProtector>(new DataProtectionSecretProtector(new EphemeralDataProtectionProvider()));
        services.AddFoundationAuth(o => o.Tokens.Algorithm = Algorithm).UseSqlite(connectionString);
        _services = services.BuildServiceProvider();
        _sessionCache = _services.GetRequiredService<SessionValidationCache>();

        var now = DateTimeOffset.UtcNow;
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(), TenantId = "acme", Email = "ada@example.com", NormalizedEmail = "ada@example.com",
            PasswordHash = "x", Roles = "admin member", SecurityStamp = "Q2FGQ0FXNFdTQ1JJQkJQ", Status = UserStatus.Active, CreatedAt = now,
        };
        var session = new SessionRecord
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, TenantId = user.TenantId, CreatedAt = now, LastSeenAt = now, ExpiresAt = now.AddDays(30),
        };
        using (var scope = _services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
            db.Database.Migrate();
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL");
            db.Users.Add(user);
            db.Sessions.Add(session);
            db.SaveChanges();
        }

        var token = _services.GetRequiredService<IAccessTokenService>()
            .IssueAsync(new AccessTokenRequest(user.Id, user.TenantId, ["admin", "member"], session.Id, user.SecurityStamp, user.Email))
            .AsTask().GetAwaiter().GetResult().Token;
        _authorization = "Bearer " + token;

        var result = AuthenticateAsync().GetAwaiter().GetResult();
        if (!result.Succeeded || result.Principal.FindFirst(AuthClaims.SessionId)?.Value != session.Id.ToString())
        {
            throw new InvalidOperationException("The benchmark token does not authenticate: " + result.Failure?.Message);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The steady state: JwtBearer handler, suite's checks, session snapshot from the 5 s cache.</summary>
    [Benchmark(Baseline = true)]
    public async Task<bool> Authenticate_session_cached() => (await AuthenticateAsync()).Succeeded;

    /// <summary>The same with the session + user query on SQLite (the cache emptied first).</summary>
    [Benchmark]
    public async Task<bool> Authenticate_session_from_database()
    {
        _sessionCache.InvalidateAll();
        return (await AuthenticateAsync()).Succeeded;
    }

    private async Task<AuthenticateResult> AuthenticateAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = _authorization;
        var result = await context.AuthenticateAsync(FoundationAuthenticationDefaults.AccessTokenScheme);
        return result.Succeeded ? result : throw new InvalidOperationException("Refused: " + result.Failure?.Message);
    }
}
