using System.Globalization;
using System.Text.RegularExpressions;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Totp.Encoding;
using Foundation.Auth.Totp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Auth.Totp.Tests.Service;

public abstract partial class TotpServiceTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : TotpTestDatabase, new()
{
    protected TotpServiceTests(TDatabase database) => Database = database;

    protected TDatabase Database { get; }

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")]
    private static partial Regex RecoveryCodeFormat();

    [Fact]
    public async Task Lifecycle_setup_enable_verify_status_disable()
    {
        var (time, audit, sp) = Host();
        var user = Guid.CreateVersion7();
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
        var factor = scope.ServiceProvider.GetServices<ISecondFactorProvider>().Single();
        factor.Name.ShouldBe("totp");

        var setup = await totp.BeginSetupAsync(user, "t1", "ada@example.com");
        setup.OtpAuthUri.ShouldStartWith("otpauth://totp/Foundation:ada%40example.com?secret=" + setup.Secret);
        setup.QrCodePngDataUri.ShouldStartWith("data:image/png;base64,");
        setup.QrCodeSvg.ShouldContain("<svg");
        (await totp.GetStatusAsync(user)).ShouldBe(new TotpStatus(false, true, null, 0));
        (await factor.IsRequiredAsync(user, null)).ShouldBeFalse();

        var codes = await totp.EnableAsync(user, Code(setup, time));
        codes.Count.ShouldBe(10);
        codes.ShouldAllBe(c => RecoveryCodeFormat().IsMatch(c));
        codes.Distinct().Count().ShouldBe(10);
        var status = await totp.GetStatusAsync(user);
        status.ShouldBe(new TotpStatus(true, false, time.GetUtcNow(), 10));
        (await factor.IsRequiredAsync(user, null)).ShouldBeTrue();

        time.Advance(TimeSpan.FromSeconds(30));
        var result = await totp.VerifyAsync(user, Code(setup, time), null);
        result.Accepted.ShouldBeTrue();
        result.Reason.ShouldBe(TotpRefusalReason.None);
        result.RecoveryCodesLeft.ShouldBe(10);
        result.RecoveryCodesLow.ShouldBeFalse();

        time.Advance(TimeSpan.FromSeconds(30));
        await totp.DisableAsync(user, Code(setup, time), null);
        (await totp.GetStatusAsync(user)).Enabled.ShouldBeFalse();
        (await factor.IsRequiredAsync(user, null)).ShouldBeFalse();
        await using var db = Database.CreateContext();
        (await db.RecoveryCodes.CountAsync(c => c.UserId == user)).ShouldBe(0);
        audit.Events.Select(e => e.Action).ShouldBe(["totp.setup.started", "totp.enabled", "totp.verified", "totp.verified", "totp.disabled"]);
    }

    [Fact]
    public async Task Expired_setup_is_refused_and_enable_twice_conflicts()
    {
        var (time, _, sp) = Host();
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
        var user = Guid.CreateVersion7();
        var setup = await totp.BeginSetupAsync(user, "t1", "ada@example.com");
        time.Advance(TimeSpan.FromMinutes(10));
        await Should.ThrowAsync<TotpSetupExpiredException>(() => totp.EnableAsync(user, Code(setup, time)));
        (await totp.GetStatusAsync(user)).ShouldBe(new TotpStatus(false, false, null, 0));

        setup = await totp.BeginSetupAsync(user, "t1", "ada@example.com");
        await Should.ThrowAsync<TotpCodeRefusedException>(() => totp.EnableAsync(user, WrongCode(setup, time)));
        await totp.EnableAsync(user, Code(setup, time));
        await Should.ThrowAsync<AuthConflictException>(() => totp.EnableAsync(user, Code(setup, time)));
        await Should.ThrowAsync<AuthConflictException>(() => totp.BeginSetupAsync(user, "t1", "ada@example.com"));
        (await totp.GetStatusAsync(user)).RecoveryCodesLeft.ShouldBe(10);
    }

    [Fact]
    public async Task Same_code_twice_is_refused_as_replayed_and_an_earlier_step_after_a_later_one_too()
    {
        var (time, audit, sp) = Host();
        var (user, setup, _) = await EnrolAsync(sp, time);
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();

        // The code that enabled TOTP is spent.
        (await totp.VerifyAsync(user, Code(setup, time), null)).Reason.ShouldBe(TotpRefusalReason.Replayed);

        time.Advance(TimeSpan.FromSeconds(30));
        var code = Code(setup, time);
        (await totp.VerifyAsync(user, code, null)).Accepted.ShouldBeTrue();
        var again = await totp.VerifyAsync(user, code, null);
        again.Accepted.ShouldBeFalse();
        again.Reason.ShouldBe(TotpRefusalReason.Replayed);

        // The next step's code (inside the window) is accepted; then the current step's own code is an earlier step.
        time.Advance(TimeSpan.FromSeconds(30));
        var later = Code(setup, time.GetUtcNow().AddSeconds(30));
        (await totp.VerifyAsync(user, later, null)).Accepted.ShouldBeTrue();
        (await totp.VerifyAsync(user, Code(setup, time), null)).Reason.ShouldBe(TotpRefusalReason.Replayed);
        audit.Events.Count(e => e.Action == "totp.replay_refused").ShouldBe(3);
    }

    [Fact]
    public async Task Twenty_concurrent_verifications_of_one_code_accept_exactly_one()
    {
        var (time, _, sp) = Host();
        var (user, setup, _) = await EnrolAsync(sp, time);
        time.Advance(TimeSpan.FromSeconds(30));
        var code = Code(setup, time);
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await using var scope = sp.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<TotpService>().VerifyAsync(user, code, null);
        })));
        results.Count(r => r.Accepted).ShouldBe(1);
        results.Where(r => !r.Accepted).ShouldAllBe(r => r.Reason == TotpRefusalReason.Replayed);
    }

    [Fact]
    public async Task Two_app_instances_on_one_database_accept_a_code_once()
    {
        var time = TestClock.Create();
        await using var first = Database.BuildServices(time);
        await using var second = Database.BuildServices(time);
        var (user, setup, _) = await EnrolAsync(first, time);
        time.Advance(TimeSpan.FromSeconds(30));
        var code = Code(setup, time);
        var results = await Task.WhenAll(new[] { first, second, first, second }.Select(sp => Task.Run(async () =>
        {
            await using var scope = sp.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<TotpService>().VerifyAsync(user, code, null);
        })));
        results.Count(r => r.Accepted).ShouldBe(1);
    }

    [Fact]
    public async Task Recovery_codes_are_single_use_case_and_hyphen_insensitive_and_counted()
    {
        var (time, audit, sp) = Host();
        var (user, _, codes) = await EnrolAsync(sp, time);
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();

        var first = await totp.VerifyAsync(user, null, codes[0].Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant());
        first.Accepted.ShouldBeTrue();
        first.UsedRecoveryCode.ShouldBeTrue();
        first.RecoveryCodesLeft.ShouldBe(9);
        (await totp.VerifyAsync(user, null, codes[0])).Reason.ShouldBe(TotpRefusalReason.Invalid);
        for (var i = 1; i < 8; i++)
        {
            (await totp.VerifyAsync(user, null, " " + codes[i] + " ")).Accepted.ShouldBeTrue();
        }

        var last = await totp.GetStatusAsync(user);
        last.RecoveryCodesLeft.ShouldBe(2);
        last.RecoveryCodesLow.ShouldBeTrue();
        audit.Events.Count(e => e.Action == "totp.recovery_code.used").ShouldBe(8);

        var fresh = await totp.RegenerateRecoveryCodesAsync(user, null, codes[8]);
        fresh.Count.ShouldBe(10);
        (await totp.VerifyAsync(user, null, codes[9])).Reason.ShouldBe(TotpRefusalReason.Invalid);
        (await totp.GetStatusAsync(user)).RecoveryCodesLeft.ShouldBe(10);
    }

    [Fact]
    public async Task Five_failures_block_even_a_valid_code_until_the_block_ends()
    {
        var (time, audit, sp) = Host();
        var (user, setup, _) = await EnrolAsync(sp, time);
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
        time.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 4; i++)
        {
            var r = await totp.VerifyAsync(user, WrongCode(setup, time), null);
            r.Reason.ShouldBe(TotpRefusalReason.Invalid);
            r.BlockedUntil.ShouldBeNull();
        }

        var fifth = await totp.VerifyAsync(user, WrongCode(setup, time), null);
        fifth.BlockedUntil.ShouldBe(time.GetUtcNow().AddMinutes(15));
        audit.Events.Count(e => e.Action == "totp.blocked").ShouldBe(1);
        (await totp.VerifyAsync(user, Code(setup, time), null)).Reason.ShouldBe(TotpRefusalReason.Blocked);

        time.Advance(TimeSpan.FromMinutes(15));
        (await totp.VerifyAsync(user, Code(setup, time), null)).Accepted.ShouldBeTrue();
    }

    [Fact]
    public async Task Secret_is_stored_protected()
    {
        var (time, _, sp) = Host();
        var (user, setup, _) = await EnrolAsync(sp, time);
        await using var db = Database.CreateContext();
        var row = await DbQuery.RowsAsync(db, "SELECT * FROM totp_enrollments");
        var values = row.SelectMany(r => r).Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty).ToList();
        values.ShouldNotContain(v => v.Contains(setup.Secret, StringComparison.OrdinalIgnoreCase));
        (await db.Enrollments.SingleAsync(e => e.UserId == user)).ProtectedSecret
            .ShouldNotBe(setup.Secret);
    }

    [Fact]
    public async Task Bad_input_is_a_typed_error_and_changes_nothing()
    {
        var (time, _, sp) = Host();
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
        var stranger = Guid.CreateVersion7();
        await Should.ThrowAsync<TotpNotEnrolledException>(() => totp.VerifyAsync(stranger, "123456", null));
        await Should.ThrowAsync<TotpNotEnrolledException>(() => totp.DisableAsync(stranger, "123456", null));
        await Should.ThrowAsync<TotpNotEnrolledException>(() => totp.EnableAsync(stranger, "123456"));

        var (user, setup, _) = await EnrolAsync(sp, time);
        (await Should.ThrowAsync<AuthValidationException>(() => totp.VerifyAsync(user, "12a456", null))).Field.ShouldBe("code");
        (await Should.ThrowAsync<AuthValidationException>(() => totp.VerifyAsync(user, "1234567", null))).Field.ShouldBe("code");
        (await Should.ThrowAsync<AuthValidationException>(() => totp.VerifyAsync(user, null, "NOT-A-CODE!"))).Field.ShouldBe("recoveryCode");
        await Should.ThrowAsync<AuthValidationException>(() => totp.VerifyAsync(user, null, null));
        await Should.ThrowAsync<AuthValidationException>(() => totp.VerifyAsync(user, "123456", "ABCDE-23456"));
        await using var db = Database.CreateContext();
        var row = await db.Enrollments.SingleAsync(e => e.UserId == user);
        row.FailedCount.ShouldBe(0);
        row.LastUsedTimeStep.ShouldBe(TotpCode.GetTimeStep(time.GetUtcNow()));
        _ = setup;
    }

    private (FakeTimeProvider Time, RecordingAuditEventWriter Audit, ServiceProvider Services) Host()
    {
        var time = TestClock.Create();
        var audit = new RecordingAuditEventWriter();
        return (time, audit, Database.BuildServices(time, audit));
    }

    private static async Task<(Guid User, TotpSetup Setup, IReadOnlyList<string> Codes)> EnrolAsync(IServiceProvider sp, FakeTimeProvider time)
    {
        var user = Guid.CreateVersion7();
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
        var setup = await totp.BeginSetupAsync(user, "t1", "ada@example.com");
        var codes = await totp.EnableAsync(user, Code(setup, time));
        return (user, setup, codes);
    }

    private static string Code(TotpSetup setup, FakeTimeProvider time) => Code(setup, time.GetUtcNow());

    private static string Code(TotpSetup setup, DateTimeOffset at) => TotpCode.Compute(Base32.Decode(setup.Secret), at);

    /// <summary>A well-formed code that matches no step of the window.</summary>
    private static string WrongCode(TotpSetup setup, FakeTimeProvider time)
    {
        var secret = Base32.Decode(setup.Secret);
        var now = time.GetUtcNow();
        for (var candidate = 0; ; candidate++)
        {
            var code = candidate.ToString("D6", CultureInfo.InvariantCulture);
            if (!TotpCode.Verify(secret, code, now, 1, out _))
            {
                return code;
            }
        }
    }
}

public sealed class TotpServiceSqliteTests(SqliteTestDatabase database) : TotpServiceTests<SqliteTestDatabase>(database);

public sealed class TotpServicePostgresTests(PostgresTestDatabase database) : TotpServiceTests<PostgresTestDatabase>(database);

public sealed class TotpServiceInMemoryTests(InMemoryTestDatabase database) : TotpServiceTests<InMemoryTestDatabase>(database);
