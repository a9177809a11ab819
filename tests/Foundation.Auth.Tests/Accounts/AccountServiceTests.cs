using Foundation.Auditing;
using Foundation.Auth.Accounts;
using Foundation.Auth.Passwords;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Storage;
using Foundation.Auth.Tests.Infrastructure;
using Foundation.Auth.Tests.Tokens;
using Foundation.Auth.Tokens;
using Foundation.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Foundation.Auth.Tests.Accounts;

/// <summary>The account service over a real database: lockout in time, rehash on login, the second-factor hook, disable.</summary>
public abstract class AccountServiceTests<TDatabase> : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : TestDatabase, new()
{
    private const string Password = "correct horse battery staple";

    // One key ring per database, as in production: the signing keys stored by one test stay readable in the next.
    private static readonly TestSecretProtector Protector = new();
    private readonly TDatabase _database;
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly RecordingAuditEventWriter _audit = new();
    private readonly FakeSecondFactor _secondFactor = new();
    private CountingHasher _hasher = null!;
    private ServiceProvider _services = null!;
    private string _tenant = string.Empty;

    protected AccountServiceTests(TDatabase database) => _database = database;

    public Task InitializeAsync()
    {
        _tenant = TestDatabase.NewTenant();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IAuditEventWriter>(_audit);
        services.AddSingleton<ISecretProtector>(Protector);
        services.AddSingleton<ISecondFactorProvider>(_secondFactor);
        services.AddFoundationAuth(o => o.Passwords.Pbkdf2Iterations = 100_000).UseDbContext(_database.Configure);
        services.Replace(ServiceDescriptor.Singleton<IPasswordHasher>(sp =>
        {
            _hasher = new CountingHasher(ActivatorUtilities.CreateInstance<Pbkdf2PasswordHasher>(sp));
            return _hasher;
        }));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task An_unknown_email_costs_one_full_password_verification_like_a_known_one()
    {
        await RegisterAsync("known@example.com");
        var before = _hasher.Verifications;

        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().LoginAsync(new("nobody@example.com", "wrong password here", _tenant), ClientInfo.None));
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().LoginAsync(new("known@example.com", "wrong password here", _tenant), ClientInfo.None));

        (_hasher.Verifications - before).ShouldBe(2);
        _hasher.VerifiedCurrentFormat.ShouldBe(_hasher.Verifications, "the dummy hash has the current format and cost");
    }

    [Fact]
    public async Task A_lockout_ends_after_its_duration_and_a_success_resets_the_count()
    {
        await RegisterAsync("lock@example.com");
        for (var i = 0; i < 4; i++)
        {
            await FailAsync("lock@example.com");
        }

        (await Accounts().LoginAsync(new("lock@example.com", Password, _tenant), ClientInfo.None)).Tokens.ShouldNotBeNull();
        for (var i = 0; i < 4; i++)
        {
            await FailAsync("lock@example.com");
        }

        (await Accounts().LoginAsync(new("lock@example.com", Password, _tenant), ClientInfo.None)).Tokens.ShouldNotBeNull("4 + 4 failures with a success between do not lock");

        for (var i = 0; i < 5; i++)
        {
            await FailAsync("lock@example.com");
        }

        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().LoginAsync(new("lock@example.com", Password, _tenant), ClientInfo.None));
        _time.Advance(TimeSpan.FromMinutes(14));
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().LoginAsync(new("lock@example.com", Password, _tenant), ClientInfo.None));
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        (await Accounts().LoginAsync(new("lock@example.com", Password, _tenant), ClientInfo.None)).Tokens.ShouldNotBeNull();
        _audit.Events.Count(e => e.Action == "auth.lockout").ShouldBe(1);
    }

    [Fact]
    public async Task Ten_concurrent_failures_are_all_counted()
    {
        await RegisterAsync("many@example.com");
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            await using var scope = _services.CreateAsyncScope();
            await Should.ThrowAsync<AuthenticationFailedException>(() =>
                scope.ServiceProvider.GetRequiredService<AccountService>().LoginAsync(new("many@example.com", "wrong " + i + " password", _tenant), ClientInfo.None));
        })));

        // Attempts that saw the account before the lock count as failures, later ones are refused as locked out.
        // Every counted failure is counted exactly once: the count and the lockouts add up.
        await using var db = _database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.TenantId == _tenant && u.NormalizedEmail == "many@example.com");
        var failures = _audit.Events.Count(e => e.Action == "auth.login" && e.Outcome == AuditOutcome.Failure);
        var denied = _audit.Events.Count(e => e.Action == "auth.login" && e.Outcome == AuditOutcome.Denied);
        (failures + denied).ShouldBe(10);
        failures.ShouldBeGreaterThanOrEqualTo(5);
        user.LockoutEndsAt.ShouldNotBeNull();
        user.FailedLoginCount.ShouldBeLessThan(5);
        var lockouts = _audit.Events.Count(e => e.Action == "auth.lockout");
        lockouts.ShouldBeInRange(1, failures / 5);
    }

    [Fact]
    public async Task Identity_and_bcrypt_hashes_verify_and_are_upgraded_on_login()
    {
        var identityHash = new PasswordHasher<object>().HashPassword(new object(), Password);
        const string BcryptHash = "$2b$04$0ZOHSQW2UGbPe.A0QO8Lm.asCG04gPPiidbeMvky3OAtv.fPyiVYm"; // bcryptjs, password "correct horse battery staple"
        await InsertUserAsync("identity@example.com", identityHash);
        await InsertUserAsync("bcrypt@example.com", BcryptHash);

        foreach (var email in new[] { "identity@example.com", "bcrypt@example.com" })
        {
            var verdict = _services.GetRequiredService<IPasswordHasher>().Verify(await StoredHashAsync(email), Password);
            verdict.ShouldBe(PasswordVerification.SuccessRehashNeeded, email);

            (await Accounts().LoginAsync(new(email, Password, _tenant), ClientInfo.None)).Tokens.ShouldNotBeNull(email);
            (await StoredHashAsync(email)).ShouldStartWith(Pbkdf2PasswordHasher.FormatPrefix, Case.Sensitive, email);
            (await Accounts().LoginAsync(new(email, Password, _tenant), ClientInfo.None)).Tokens.ShouldNotBeNull("the new hash verifies");
        }

        _audit.Events.Count(e => e.Action == "auth.password.rehashed").ShouldBe(2);
    }

    [Fact]
    public async Task A_required_second_factor_turns_login_into_a_challenge_that_completes_once_verified()
    {
        await RegisterAsync("2fa@example.com");
        _secondFactor.Required = true;

        var result = await Accounts().LoginAsync(new("2fa@example.com", Password, _tenant), ClientInfo.None);
        result.Tokens.ShouldBeNull();
        result.Challenge.ShouldNotBeNull().Methods.ShouldBe(["fake"]);
        await using (var db = _database.CreateContext())
        {
            (await db.Sessions.CountAsync(s => s.TenantId == _tenant)).ShouldBe(0, "no session before the second factor");
        }

        Accounts().ReadChallenge(result.Challenge.ChallengeToken).ShouldBe(result.User.Id);
        Accounts().ReadChallenge(result.Challenge.ChallengeToken + "x").ShouldBeNull();
        Accounts().ReadChallenge("garbage").ShouldBeNull();

        var tokens = await Accounts().CompleteSecondFactorAsync(result.Challenge.ChallengeToken, "fake", ClientInfo.None);
        await using (var db = _database.CreateContext())
        {
            var session = await db.Sessions.SingleAsync(s => s.Id == tokens.SessionId);
            session.SecondFactorVerifiedAt.ShouldBe(_time.GetUtcNow());
        }

        var validation = await _services.GetRequiredService<IAccessTokenService>().ValidateAsync(tokens.AccessToken);
        validation.Principal!.FindFirst(AuthClaims.SecondFactorTime).ShouldNotBeNull();

        _time.Advance(AccountService.ChallengeLifetime + TimeSpan.FromSeconds(1));
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().CompleteSecondFactorAsync(result.Challenge.ChallengeToken, "fake", ClientInfo.None));
    }

    [Fact]
    public async Task A_trusted_device_token_reaches_the_second_factor_provider()
    {
        await RegisterAsync("device@example.com");
        _secondFactor.Required = true;
        _secondFactor.TrustedDevice = "device-123";

        var result = await Accounts().LoginAsync(new("device@example.com", Password, _tenant, DeviceToken: "device-123"), ClientInfo.None);
        result.Tokens.ShouldNotBeNull();
        _secondFactor.SeenDeviceTokens.ShouldContain("device-123");
    }

    [Fact]
    public async Task Disabling_an_account_revokes_its_sessions_and_refuses_logins_until_enabled()
    {
        var user = await RegisterAsync("off@example.com");
        var tokens = (await Accounts().LoginAsync(new("off@example.com", Password, _tenant), ClientInfo.None)).Tokens!;

        (await Accounts().SetStatusAsync(user.Id, _tenant, UserStatus.Disabled, ClientInfo.None)).ShouldBeTrue();
        (await Accounts().SetStatusAsync(user.Id, "other-tenant", UserStatus.Disabled, ClientInfo.None)).ShouldBeFalse();

        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().LoginAsync(new("off@example.com", Password, _tenant), ClientInfo.None));
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().RefreshAsync(tokens.RefreshToken, ClientInfo.None));

        await Accounts().SetStatusAsync(user.Id, _tenant, UserStatus.Active, ClientInfo.None);
        (await Accounts().LoginAsync(new("off@example.com", Password, _tenant), ClientInfo.None)).Tokens.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_refresh_token_expires_with_its_lifetime()
    {
        await RegisterAsync("old@example.com");
        var tokens = (await Accounts().LoginAsync(new("old@example.com", Password, _tenant), ClientInfo.None)).Tokens!;
        _time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().RefreshAsync(tokens.RefreshToken, ClientInfo.None));
    }

    [Fact]
    public async Task Only_hashes_of_refresh_tokens_are_stored()
    {
        await RegisterAsync("hash@example.com");
        var tokens = (await Accounts().LoginAsync(new("hash@example.com", Password, _tenant), ClientInfo.None)).Tokens!;
        await using var db = _database.CreateContext();
        var stored = await db.RefreshTokens.SingleAsync(t => t.SessionId == tokens.SessionId);
        stored.TokenHash.ShouldNotContain(tokens.RefreshToken);
        stored.TokenHash.Length.ShouldBe(64);
    }

    [Fact]
    public async Task Twenty_parallel_refreshes_of_one_token_within_the_reuse_interval_all_get_working_tokens_of_the_live_session()
    {
        await RegisterAsync("tabs@example.com");
        var tokens = (await Accounts().LoginAsync(new("tabs@example.com", Password, _tenant), ClientInfo.None)).Tokens!;

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Accounts().RefreshAsync(tokens.RefreshToken, ClientInfo.None))));

        results.ShouldAllBe(r => r.SessionId == tokens.SessionId);
        results.Select(r => r.RefreshToken).Distinct(StringComparer.Ordinal).Count().ShouldBe(20, "each caller gets its own new refresh token");
        _audit.Events.ShouldNotContain(e => e.Action == "auth.refresh.reuse_detected");
        _audit.Events.Count(e => e.Action == "auth.refresh" && e.Outcome == AuditOutcome.Success).ShouldBe(20);
        _audit.Events.Count(e => e.Action == "auth.refresh" && e.Data.GetValueOrDefault("reason") == "reuse-within-interval").ShouldBe(19);
        await using (var db = _database.CreateContext())
        {
            (await db.Sessions.SingleAsync(s => s.Id == tokens.SessionId)).RevokedAt.ShouldBeNull();
        }

        var validator = _services.CreateScope().ServiceProvider.GetRequiredService<Foundation.Auth.Authentication.ISessionValidator>();
        foreach (var result in results)
        {
            var validation = await _services.GetRequiredService<IAccessTokenService>().ValidateAsync(result.AccessToken);
            validation.Principal.ShouldNotBeNull();
            var principal = validation.Principal!;
            var check = await validator.ValidateAsync(
                Guid.Parse(principal.FindFirst(AuthClaims.Subject)!.Value), result.SessionId, principal.FindFirst(AuthClaims.SecurityStamp)!.Value);
            check.Succeeded.ShouldBeTrue();
        }

        // Every new refresh token rotates once more, and the session is still alive afterwards.
        _time.Advance(TimeSpan.FromMinutes(1));
        foreach (var result in results)
        {
            (await Accounts().RefreshAsync(result.RefreshToken, ClientInfo.None)).SessionId.ShouldBe(tokens.SessionId);
        }

        _audit.Events.ShouldNotContain(e => e.Action == "auth.refresh.reuse_detected");
    }

    [Fact]
    public async Task A_rotated_token_presented_again_after_the_reuse_interval_revokes_the_session_and_is_audited()
    {
        await RegisterAsync("late@example.com");
        var tokens = (await Accounts().LoginAsync(new("late@example.com", Password, _tenant), ClientInfo.None)).Tokens!;
        var rotated = await Accounts().RefreshAsync(tokens.RefreshToken, ClientInfo.None);

        _time.Advance(TimeSpan.FromSeconds(9));
        var withinInterval = await Accounts().RefreshAsync(tokens.RefreshToken, ClientInfo.None);
        withinInterval.SessionId.ShouldBe(tokens.SessionId);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().RefreshAsync(tokens.RefreshToken, ClientInfo.None));
        _audit.Events.ShouldContain(e => e.Action == "auth.refresh.reuse_detected" && e.Outcome == AuditOutcome.Denied);
        await using (var db = _database.CreateContext())
        {
            (await db.Sessions.SingleAsync(s => s.Id == tokens.SessionId)).RevokedReason.ShouldBe("refresh-token-reuse");
        }

        // The whole family is dead: the winner's and the within-interval caller's tokens too.
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().RefreshAsync(rotated.RefreshToken, ClientInfo.None));
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().RefreshAsync(withinInterval.RefreshToken, ClientInfo.None));
    }

    [Fact]
    public async Task A_refresh_token_retired_by_a_password_change_gets_no_reuse_interval()
    {
        var user = await RegisterAsync("retired@example.com");
        var tokens = (await Accounts().LoginAsync(new("retired@example.com", Password, _tenant), ClientInfo.None)).Tokens!;
        await Accounts().ChangePasswordAsync(user.Id, tokens.SessionId, Password, "another long passphrase here", ClientInfo.None);

        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().RefreshAsync(tokens.RefreshToken, ClientInfo.None));
        _audit.Events.ShouldContain(e => e.Action == "auth.refresh.reuse_detected");
    }

    private AccountService Accounts() => _services.CreateScope().ServiceProvider.GetRequiredService<AccountService>();

    private async Task<UserProfile> RegisterAsync(string email) =>
        await Accounts().RegisterAsync(new(email, Password, _tenant), ClientInfo.None);

    private async Task FailAsync(string email) =>
        await Should.ThrowAsync<AuthenticationFailedException>(() => Accounts().LoginAsync(new(email, "not the right password", _tenant), ClientInfo.None));

    private async Task InsertUserAsync(string email, string hash)
    {
        await using var db = _database.CreateContext();
        db.Users.Add(new UserRecord
        {
            Id = Guid.CreateVersion7(),
            TenantId = _tenant,
            Email = email,
            NormalizedEmail = email,
            PasswordHash = hash,
            Roles = "member",
            SecurityStamp = "stamp",
            CreatedAt = _time.GetUtcNow(),
        });
        await db.SaveChangesAsync();
    }

    private async Task<string> StoredHashAsync(string email)
    {
        await using var db = _database.CreateContext();
        return await db.Users.Where(u => u.TenantId == _tenant && u.NormalizedEmail == email).Select(u => u.PasswordHash).SingleAsync();
    }

    private sealed class CountingHasher(IPasswordHasher inner) : IPasswordHasher
    {
        private int _verifications;
        private int _currentFormat;

        public int Verifications => _verifications;

        public int VerifiedCurrentFormat => _currentFormat;

        public string Hash(string password) => inner.Hash(password);

        public PasswordVerification Verify(string storedHash, string password)
        {
            Interlocked.Increment(ref _verifications);
            if (storedHash.StartsWith(Pbkdf2PasswordHasher.FormatPrefix, StringComparison.Ordinal) && storedHash.Contains("$i=100000$", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _currentFormat);
            }

            return inner.Verify(storedHash, password);
        }
    }

    private sealed class FakeSecondFactor : ISecondFactorProvider
    {
        public bool Required { get; set; }

        public string? TrustedDevice { get; set; }

        public List<string?> SeenDeviceTokens { get; } = [];

        public string Name => "fake";

        public ValueTask<bool> IsRequiredAsync(Guid userId, string? deviceToken, CancellationToken cancellationToken = default)
        {
            lock (SeenDeviceTokens)
            {
                SeenDeviceTokens.Add(deviceToken);
            }

            return ValueTask.FromResult(Required && (TrustedDevice is null || deviceToken != TrustedDevice));
        }
    }
}

public sealed class AccountServiceSqliteTests(SqliteTestDatabase database) : AccountServiceTests<SqliteTestDatabase>(database);

public sealed class AccountServicePostgresTests(PostgresTestDatabase database) : AccountServiceTests<PostgresTestDatabase>(database);
