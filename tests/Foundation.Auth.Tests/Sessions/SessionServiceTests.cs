using Foundation.Auth.Authentication;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auth.Tests.Infrastructure;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Tests.Sessions;

public abstract class SessionServiceTests<TDatabase> : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : TestDatabase, new()
{
    private const string ChromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string SafariIphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    private const string FirefoxLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    private readonly TDatabase _database;
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly RecordingAuditEventWriter _audit = new();
    private ServiceProvider _services = null!;

    protected SessionServiceTests(TDatabase database) => _database = database;

    public Task InitializeAsync()
    {
        _services = _database.BuildServices(_time, _audit, o => o.Sessions.RetentionDays = 30);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task List_shows_only_active_sessions_newest_first_with_device_and_current_flag()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var first = await AddSessionAsync(user, ChromeWindows, "203.0.113.7");
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await AddSessionAsync(user, SafariIphone, "2001:db8::2");
        _time.Advance(TimeSpan.FromMinutes(1));
        var revoked = await AddSessionAsync(user, FirefoxLinux, null, revokedAt: _time.GetUtcNow());
        var expired = await AddSessionAsync(user, FirefoxLinux, null, expiresAt: _time.GetUtcNow().AddSeconds(-1));

        var list = await WithSessions(s => s.ListAsync(user.Id, tenant, second.Id));

        list.Select(s => s.Id).ShouldBe([second.Id, first.Id]);
        list[0].IsCurrent.ShouldBeTrue();
        list[1].IsCurrent.ShouldBeFalse();
        list[0].Device.ShouldBe(new DeviceInfo("Safari 17", "iOS 17", DeviceTypes.Mobile));
        list[0].IpAddress.ShouldBe("2001:db8::2");
        list[1].Device.ShouldBe(new DeviceInfo("Chrome 131", "Windows", DeviceTypes.Desktop));
        list[1].CreatedAt.ShouldBe(first.CreatedAt);
        list[1].LastSeenAt.ShouldBe(first.LastSeenAt);
        list[1].ExpiresAt.ShouldBe(first.ExpiresAt);
        list.ShouldNotContain(s => s.Id == revoked.Id || s.Id == expired.Id);
    }

    [Fact]
    public async Task Stats_count_active_sessions_by_device_browser_and_os()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        await AddSessionAsync(user, ChromeWindows, null);
        await AddSessionAsync(user, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36", null);
        _time.Advance(TimeSpan.FromMinutes(5));
        var latest = await AddSessionAsync(user, SafariIphone, null);
        await AddSessionAsync(user, null, null);
        await AddSessionAsync(user, ChromeWindows, null, revokedAt: _time.GetUtcNow());

        var stats = await WithSessions(s => s.GetStatsAsync(user.Id, tenant));

        stats.ActiveSessions.ShouldBe(4);
        stats.ByDeviceType.ShouldBe(new Dictionary<string, int> { ["desktop"] = 2, ["mobile"] = 1, ["other"] = 1 }, ignoreOrder: true);
        stats.ByBrowser.ShouldBe(new Dictionary<string, int> { ["Chrome"] = 2, ["Safari"] = 1, ["unknown"] = 1 }, ignoreOrder: true);
        stats.ByOperatingSystem.ShouldBe(new Dictionary<string, int> { ["Windows"] = 1, ["macOS"] = 1, ["iOS"] = 1, ["unknown"] = 1 }, ignoreOrder: true);
        stats.LastActivityAt.ShouldBe(latest.LastSeenAt);

        var empty = await WithSessions(s => s.GetStatsAsync(Guid.NewGuid(), tenant));
        empty.ActiveSessions.ShouldBe(0);
        empty.LastActivityAt.ShouldBeNull();
    }

    [Fact]
    public async Task Revoke_marks_the_session_audits_it_and_answers_false_for_unknown_ids()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var session = await AddSessionAsync(user, ChromeWindows, null);

        (await WithSessions(s => s.RevokeAsync(user.Id, tenant, session.Id, SessionRevocationReasons.Logout))).ShouldBeTrue();
        (await WithSessions(s => s.RevokeAsync(user.Id, tenant, session.Id))).ShouldBeTrue("already revoked is still found");
        (await WithSessions(s => s.RevokeAsync(user.Id, tenant, Guid.NewGuid()))).ShouldBeFalse();

        await using var db = _database.CreateContext();
        var stored = await db.Sessions.SingleAsync(s => s.Id == session.Id);
        stored.RevokedAt.ShouldBe(_time.GetUtcNow());
        stored.RevokedReason.ShouldBe("logout");
        var audits = _audit.Events.Where(e => e.TargetId == session.Id.ToString()).ToList();
        audits.Count.ShouldBe(1);
        audits[0].Action.ShouldBe("auth.session.revoked");
        audits[0].TenantId.ShouldBe(tenant);
        audits[0].Data["reason"].ShouldBe("logout");
    }

    [Fact]
    public async Task Revoke_all_keeps_the_current_session_or_revokes_every_one()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var other = await _database.AddUserAsync(tenant, _time);
        var current = await AddSessionAsync(user, ChromeWindows, null);
        var a = await AddSessionAsync(user, SafariIphone, null);
        var b = await AddSessionAsync(user, FirefoxLinux, null);
        await AddSessionAsync(user, FirefoxLinux, null, revokedAt: _time.GetUtcNow());
        var othersSession = await AddSessionAsync(other, ChromeWindows, null);

        (await WithSessions(s => s.RevokeAllAsync(user.Id, tenant, current.Id))).ShouldBe(2);
        (await WithSessions(s => s.ListAsync(user.Id, tenant, current.Id))).Select(s => s.Id).ShouldBe([current.Id]);
        _audit.Events.Where(e => e.Action == "auth.session.revoked").Select(e => e.TargetId).ShouldBe([a.Id.ToString(), b.Id.ToString()], ignoreOrder: true);

        (await WithSessions(s => s.RevokeAllAsync(user.Id, tenant))).ShouldBe(1);
        (await WithSessions(s => s.ListAsync(user.Id, tenant, null))).ShouldBeEmpty();
        (await WithSessions(s => s.ListAsync(other.Id, tenant, null))).Select(s => s.Id).ShouldBe([othersSession.Id]);
    }

    [Fact]
    public async Task Tenant_A_never_sees_or_revokes_tenant_B_sessions()
    {
        var tenantA = TestDatabase.NewTenant();
        var tenantB = TestDatabase.NewTenant();
        var userB = await _database.AddUserAsync(tenantB, _time);
        var sessionB = await AddSessionAsync(userB, ChromeWindows, null);

        // The same user id presented with another tenant finds nothing.
        (await WithSessions(s => s.ListAsync(userB.Id, tenantA, null))).ShouldBeEmpty();
        (await WithSessions(s => s.GetStatsAsync(userB.Id, tenantA))).ActiveSessions.ShouldBe(0);
        (await WithSessions(s => s.RevokeAsync(userB.Id, tenantA, sessionB.Id))).ShouldBeFalse();
        (await WithSessions(s => s.RevokeAllAsync(userB.Id, tenantA))).ShouldBe(0);

        // Another user of tenant A cannot reach it either.
        var userA = await _database.AddUserAsync(tenantA, _time);
        (await WithSessions(s => s.RevokeAsync(userA.Id, tenantA, sessionB.Id))).ShouldBeFalse();
        (await WithSessions(s => s.RevokeAsync(userA.Id, tenantB, sessionB.Id))).ShouldBeFalse();

        (await WithSessions(s => s.ListAsync(userB.Id, tenantB, null))).Select(s => s.Id).ShouldBe([sessionB.Id]);
        _audit.Events.ShouldNotContain(e => e.TargetId == sessionB.Id.ToString());
    }

    [Fact]
    public async Task Cleanup_purges_only_sessions_expired_or_revoked_before_the_retention_window()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var now = _time.GetUtcNow();
        var expiredLongAgo = await AddSessionAsync(user, null, null, expiresAt: now.AddDays(-31));
        var revokedLongAgo = await AddSessionAsync(user, null, null, revokedAt: now.AddDays(-31));
        var expiredRecently = await AddSessionAsync(user, null, null, expiresAt: now.AddDays(-29));
        var revokedRecently = await AddSessionAsync(user, null, null, revokedAt: now.AddDays(-29));
        var active = await AddSessionAsync(user, null, null);
        await using (var db = _database.CreateContext())
        {
            db.RefreshTokens.AddRange(Token(expiredLongAgo), Token(revokedLongAgo), Token(active));
            await db.SaveChangesAsync();
        }

        var cleanup = _services.GetRequiredService<ExpiredSessionCleanupService>();
        _services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ShouldContain(cleanup);
        (await cleanup.PurgeAsync()).ShouldBeGreaterThanOrEqualTo(2);

        await using (var db = _database.CreateContext())
        {
            var left = await db.Sessions.Where(s => s.UserId == user.Id).Select(s => s.Id).ToListAsync();
            left.ShouldBe([expiredRecently.Id, revokedRecently.Id, active.Id], ignoreOrder: true);
            var tokens = await db.RefreshTokens.Where(t => t.SessionId == expiredLongAgo.Id || t.SessionId == revokedLongAgo.Id || t.SessionId == active.Id)
                .Select(t => t.SessionId).ToListAsync();
            tokens.ShouldBe([active.Id]);
        }
    }

    [Fact]
    public async Task Validator_accepts_a_live_session_with_the_current_user_claims()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time, roles: "admin member");
        var session = await AddSessionAsync(user, ChromeWindows, null);

        var check = await Validate(user.Id, session.Id, user.SecurityStamp);

        check.Succeeded.ShouldBeTrue(check.Failure);
        var principal = check.Principal!;
        principal.Identity!.IsAuthenticated.ShouldBeTrue();
        principal.FindFirst(AuthClaims.Subject)!.Value.ShouldBe(user.Id.ToString());
        principal.FindFirst(AuthClaims.Tenant)!.Value.ShouldBe(tenant);
        principal.FindFirst(AuthClaims.SessionId)!.Value.ShouldBe(session.Id.ToString());
        principal.FindFirst(AuthClaims.SecurityStamp)!.Value.ShouldBe(user.SecurityStamp);
        principal.FindAll(AuthClaims.Role).Select(c => c.Value).ShouldBe(["admin", "member"]);
        principal.IsInRole("admin").ShouldBeTrue();
    }

    [Fact]
    public async Task Validator_refuses_revoked_expired_disabled_and_changed_stamp()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var session = await AddSessionAsync(user, ChromeWindows, null, expiresAt: _time.GetUtcNow().AddHours(1));
        (await Validate(user.Id, session.Id, user.SecurityStamp)).Succeeded.ShouldBeTrue();

        (await Validate(user.Id, session.Id, "old-stamp")).Failure.ShouldBe("security stamp changed");
        (await Validate(Guid.NewGuid(), session.Id, user.SecurityStamp)).Failure.ShouldBe("session revoked");
        (await Validate(user.Id, Guid.NewGuid(), user.SecurityStamp)).Failure.ShouldBe("session revoked");

        // Expiry is checked against the clock on every call, cache or not.
        _time.Advance(TimeSpan.FromHours(1));
        (await Validate(user.Id, session.Id, user.SecurityStamp)).Failure.ShouldBe("session expired");

        // A revocation through SessionService is seen at once on this instance (the cache entry is evicted).
        var live = await AddSessionAsync(user, ChromeWindows, null);
        (await Validate(user.Id, live.Id, user.SecurityStamp)).Succeeded.ShouldBeTrue();
        await WithSessions(s => s.RevokeAsync(user.Id, tenant, live.Id));
        (await Validate(user.Id, live.Id, user.SecurityStamp)).Failure.ShouldBe("session revoked");

        // A user disabled (or a stamp changed) elsewhere is seen after the cache's 5 s.
        var another = await AddSessionAsync(user, ChromeWindows, null);
        (await Validate(user.Id, another.Id, user.SecurityStamp)).Succeeded.ShouldBeTrue();
        await using (var db = _database.CreateContext())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Disabled));
        }

        _time.Advance(SessionValidationCache.TimeToLive);
        (await Validate(user.Id, another.Id, user.SecurityStamp)).Failure.ShouldBe("user disabled");

        await using (var db = _database.CreateContext())
        {
            await db.Users.Where(u => u.Id == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Active).SetProperty(u => u.SecurityStamp, "rotated"));
        }

        _services.GetRequiredService<SessionValidationCache>().InvalidateAll();
        (await Validate(user.Id, another.Id, user.SecurityStamp)).Failure.ShouldBe("security stamp changed");
        (await Validate(user.Id, another.Id, "rotated")).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task NewSession_parses_the_device_and_bounds_the_user_agent()
    {
        await using var scope = _services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<SessionService>();
        var session = service.NewSession(Guid.NewGuid(), "t", "198.51.100.1", SafariIphone + new string('x', 1000), _time.GetUtcNow().AddDays(7));
        session.UserAgent!.Length.ShouldBe(512);
        session.Browser.ShouldBe("Safari 17");
        session.OperatingSystem.ShouldBe("iOS 17");
        session.DeviceType.ShouldBe("mobile");
        session.CreatedAt.ShouldBe(_time.GetUtcNow());
        session.Id.Version.ShouldBe(7);
    }

    private async Task<SessionRecord> AddSessionAsync(UserRecord user, string? userAgent, string? ip, DateTimeOffset? expiresAt = null, DateTimeOffset? revokedAt = null)
    {
        await using var scope = _services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SessionService>()
            .NewSession(user.Id, user.TenantId, ip, userAgent, expiresAt ?? _time.GetUtcNow().AddDays(7));
        session.RevokedAt = revokedAt;
        session.RevokedReason = revokedAt is null ? null : "logout";
        await using var db = _database.CreateContext();
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session;
    }

    private RefreshTokenRecord Token(SessionRecord session) => new()
    {
        Id = Guid.CreateVersion7(), SessionId = session.Id, TokenHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + new string('0', 32),
        CreatedAt = _time.GetUtcNow(), ExpiresAt = session.ExpiresAt,
    };

    private async Task<T> WithSessions<T>(Func<SessionService, Task<T>> action)
    {
        await using var scope = _services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<SessionService>());
    }

    private async Task<CredentialCheck> Validate(Guid userId, Guid sessionId, string stamp)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISessionValidator>().ValidateAsync(userId, sessionId, stamp);
    }
}

public sealed class SessionServiceSqliteTests(SqliteTestDatabase database) : SessionServiceTests<SqliteTestDatabase>(database);

public sealed class SessionServicePostgresTests(PostgresTestDatabase database) : SessionServiceTests<PostgresTestDatabase>(database);
