using Foundation.Auditing;
using Foundation.Auth.Accounts;
using Foundation.Auth.Storage;
using Foundation.Auth.Totp.Encoding;
using Foundation.Auth.Totp.Storage;
using Foundation.Auth.Totp.Tests.Infrastructure;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Auth.Totp.Tests.Service;

/// <summary>
/// <see cref="TwoFactorLoginService"/> over the real AccountService and TotpService, each on its own SQLite file: the
/// login completion (challenge, code, session, trusted device) and the step-up, without HTTP.
/// </summary>
public sealed class TwoFactorLoginServiceTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static readonly ClientInfo Client = new("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0", "req-1");
    private readonly string _authPath = Path.Combine(Path.GetTempPath(), $"foundation-2fa-auth-{Guid.NewGuid():N}.db");
    private readonly string _totpPath = Path.Combine(Path.GetTempPath(), $"foundation-2fa-totp-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton<IAuditEventWriter>(new RecordingAuditEventWriter());
        services.AddSingleton<ISecretProtector>(new TestSecretProtector());
        var configuration = new ConfigurationBuilder().Build();
        services.AddFoundationAuth(configuration).UseSqlite($"Data Source={_authPath};Pooling=False");
        services.AddFoundationTotp(configuration).UseSqlite($"Data Source={_totpPath};Pooling=False");
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Database.MigrateAsync();
        await scope.ServiceProvider.GetRequiredService<TotpDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_authPath);
        File.Delete(_totpPath);
    }

    [Fact]
    public async Task A_right_code_completes_the_login_once_and_remembers_the_device()
    {
        var (secret, challenge) = await EnrolAndChallengeAsync("ada@example.com");
        await using var scope = _services.CreateAsyncScope();
        var logins = scope.ServiceProvider.GetRequiredService<TwoFactorLoginService>();

        var result = await logins.CompleteLoginAsync(new TwoFactorLoginRequest(challenge, Code(secret), null, RememberDevice: true, DeviceName: "Laptop"), Client);

        result.Succeeded.ShouldBeTrue();
        result.Verification.Accepted.ShouldBeTrue();
        result.Tokens!.AccessToken.ShouldNotBeNullOrWhiteSpace();
        result.TrustedDevice!.Device.Name.ShouldBe("Laptop");
        result.TrustedDevice.Token.ShouldStartWith("fnd_dev_");
        (await scope.ServiceProvider.GetRequiredService<TotpService>().UseTrustedDeviceAsync(UserOf(result), result.TrustedDevice.Token)).ShouldBeTrue();

        // The challenge completed a login: it is refused before any code is spent.
        _clock.Advance(TimeSpan.FromSeconds(30));
        await Should.ThrowAsync<AuthenticationFailedException>(() =>
            logins.CompleteLoginAsync(new TwoFactorLoginRequest(challenge, Code(secret), null), Client));
    }

    [Fact]
    public async Task A_wrong_code_is_a_refusal_that_starts_no_session_and_leaves_the_challenge_usable()
    {
        var (secret, challenge) = await EnrolAndChallengeAsync("bob@example.com");
        await using var scope = _services.CreateAsyncScope();
        var logins = scope.ServiceProvider.GetRequiredService<TwoFactorLoginService>();
        var sessionsBefore = await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Sessions.CountAsync();

        var refused = await logins.CompleteLoginAsync(new TwoFactorLoginRequest(challenge, WrongCode(secret), null, RememberDevice: true), Client);

        refused.Succeeded.ShouldBeFalse();
        refused.Verification.Reason.ShouldBe(TotpRefusalReason.Invalid);
        refused.Tokens.ShouldBeNull();
        refused.TrustedDevice.ShouldBeNull();
        (await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Sessions.CountAsync()).ShouldBe(sessionsBefore);

        var completed = await logins.CompleteLoginAsync(new TwoFactorLoginRequest(challenge, Code(secret), null), Client);
        completed.Succeeded.ShouldBeTrue();
        completed.TrustedDevice.ShouldBeNull("no device was asked to be remembered");
    }

    [Fact]
    public async Task Bad_input_changes_nothing_and_a_forged_challenge_is_refused()
    {
        var (secret, challenge) = await EnrolAndChallengeAsync("cy@example.com");
        await using var scope = _services.CreateAsyncScope();
        var logins = scope.ServiceProvider.GetRequiredService<TwoFactorLoginService>();

        var badName = await Should.ThrowAsync<AuthValidationException>(() =>
            logins.CompleteLoginAsync(new TwoFactorLoginRequest(challenge, Code(secret), null, RememberDevice: true, DeviceName: new string('x', 101)), Client));
        badName.Field.ShouldBe("deviceName");
        await Should.ThrowAsync<AuthenticationFailedException>(() =>
            logins.CompleteLoginAsync(new TwoFactorLoginRequest("not-a-challenge", Code(secret), null), Client));

        // The code was not spent by either refusal.
        (await logins.CompleteLoginAsync(new TwoFactorLoginRequest(challenge, Code(secret), null), Client)).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task A_step_up_records_the_verification_in_the_session()
    {
        var (secret, challenge) = await EnrolAndChallengeAsync("dee@example.com");
        await using var scope = _services.CreateAsyncScope();
        var logins = scope.ServiceProvider.GetRequiredService<TwoFactorLoginService>();
        var login = await logins.CompleteLoginAsync(new TwoFactorLoginRequest(challenge, Code(secret), null), Client);
        var userId = UserOf(login);
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();

        _clock.Advance(TimeSpan.FromMinutes(10));
        var wrong = await logins.StepUpAsync(userId, login.Tokens!.SessionId, WrongCode(secret), null);
        wrong.Accepted.ShouldBeFalse();

        var stepUp = await logins.StepUpAsync(userId, login.Tokens.SessionId, Code(secret), null);
        stepUp.Accepted.ShouldBeTrue();
        (await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == login.Tokens.SessionId)).SecondFactorVerifiedAt.ShouldBe(_clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromSeconds(30));
        await Should.ThrowAsync<AuthenticationFailedException>(() => logins.StepUpAsync(userId, Guid.NewGuid(), Code(secret), null));
    }

    private Guid UserOf(TwoFactorLoginResult result)
    {
        using var scope = _services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<AuthDbContext>().Sessions.AsNoTracking().Single(s => s.Id == result.Tokens!.SessionId).UserId;
    }

    private async Task<(byte[] Secret, string Challenge)> EnrolAndChallengeAsync(string email)
    {
        await using var scope = _services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
        var user = await accounts.RegisterAsync(new RegisterRequest(email, Password), Client);
        var setup = await totp.BeginSetupAsync(user.Id, user.TenantId, email);
        var secret = Base32.Decode(setup.Secret);
        await totp.EnableAsync(user.Id, Code(secret));

        // The enabling code's time step is spent: the login's code comes from the next one.
        _clock.Advance(TimeSpan.FromSeconds(30));
        var login = await accounts.LoginAsync(new LoginRequest(email, Password), Client);
        login.Challenge.ShouldNotBeNull();
        return (secret, login.Challenge.ChallengeToken);
    }

    private string Code(byte[] secret) => TotpCode.Compute(secret, _clock.GetUtcNow());

    private string WrongCode(byte[] secret)
    {
        var valid = new[] { -30, 0, 30, 60 }.Select(s => TotpCode.Compute(secret, _clock.GetUtcNow().AddSeconds(s))).ToHashSet();
        for (var minutes = 10; ; minutes++)
        {
            var candidate = TotpCode.Compute(secret, _clock.GetUtcNow().AddMinutes(minutes));
            if (!valid.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
