using System.Globalization;
using System.Security.Cryptography;
using Foundation.Auth.SecondFactor;
using Foundation.Auth.Totp.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Totp.Tests.Service;

/// <summary>Trusted devices ("remember this device"), on every store of <see cref="TotpServiceTests{TDatabase}"/>.</summary>
public abstract partial class TotpServiceTests<TDatabase>
{
    private const string ChromeOnWindows =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    [Fact]
    public async Task A_trusted_device_skips_the_factor_for_its_user_only_until_it_expires()
    {
        var (time, audit, sp) = Host();
        var (user, _, _) = await EnrolAsync(sp, time);
        var (other, _, _) = await EnrolAsync(sp, time);
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
        var factor = scope.ServiceProvider.GetServices<ISecondFactorProvider>().Single();

        var grant = await totp.TrustDeviceAsync(user, null, ChromeOnWindows);
        grant.Token.ShouldStartWith("fnd_dev_");
        grant.Token.Length.ShouldBe(51);
        grant.Device.Name.ShouldStartWith("Chrome 131");
        grant.Device.CreatedAt.ShouldBe(time.GetUtcNow());
        grant.Device.ExpiresAt.ShouldBe(time.GetUtcNow().AddDays(30));
        grant.Device.LastUsedAt.ShouldBeNull();

        time.Advance(TimeSpan.FromMinutes(5));
        (await factor.IsRequiredAsync(user, grant.Token)).ShouldBeFalse();
        (await factor.IsRequiredAsync(user, null)).ShouldBeTrue();
        (await factor.IsRequiredAsync(other, grant.Token)).ShouldBeTrue("a device token of another user is not trusted");
        (await factor.IsRequiredAsync(user, grant.Token[..^1] + (grant.Token[^1] == 'A' ? 'B' : 'A'))).ShouldBeTrue();
        (await factor.IsRequiredAsync(user, grant.Token + "x")).ShouldBeTrue();
        (await factor.IsRequiredAsync(user, "not a token")).ShouldBeTrue();
        audit.Events.Count(e => e.Action == "totp.trusted_device.used").ShouldBe(1);
        audit.Events.Count(e => e.Action == "totp.trusted_device.refused").ShouldBe(4);

        var listed = (await totp.ListTrustedDevicesAsync(user)).ShouldHaveSingleItem();
        listed.Id.ShouldBe(grant.Device.Id);
        listed.LastUsedAt.ShouldBe(time.GetUtcNow());
        (await totp.ListTrustedDevicesAsync(other)).ShouldBeEmpty();

        // Only the SHA-256 of the token is stored.
        await using (var db = Database.CreateContext())
        {
            var secretPart = grant.Token.Substring(8);
            var rows = await DbQuery.RowsAsync(db, "SELECT * FROM totp_trusted_devices");
            rows.SelectMany(r => r).Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty)
                .ShouldNotContain(v => v.Contains(secretPart, StringComparison.Ordinal));
            (await db.TrustedDevices.SingleAsync(d => d.Id == grant.Device.Id)).TokenHash
                .ShouldBe(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(grant.Token))));
        }

        time.Advance(TimeSpan.FromDays(30));
        (await factor.IsRequiredAsync(user, grant.Token)).ShouldBeTrue("the trust expired");
        (await totp.ListTrustedDevicesAsync(user)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Devices_are_revoked_one_by_one_all_at_once_on_a_password_change_and_when_TOTP_is_disabled()
    {
        var (time, audit, sp) = Host();
        var (user, setup, _) = await EnrolAsync(sp, time);
        var (other, _, _) = await EnrolAsync(sp, time);
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
        var factor = scope.ServiceProvider.GetServices<ISecondFactorProvider>().Single();

        var laptop = await totp.TrustDeviceAsync(user, "  Laptop ", null);
        time.Advance(TimeSpan.FromSeconds(1));
        var phone = await totp.TrustDeviceAsync(user, "Phone", null);
        var foreign = await totp.TrustDeviceAsync(other, "Theirs", null);
        (await totp.ListTrustedDevicesAsync(user)).Select(d => d.Name).ShouldBe(["Laptop", "Phone"]);

        (await totp.RevokeTrustedDeviceAsync(user, "t1", foreign.Device.Id)).ShouldBeFalse("another user's device");
        (await totp.RevokeTrustedDeviceAsync(user, "another-tenant", laptop.Device.Id)).ShouldBeFalse("another tenant");
        (await totp.RevokeTrustedDeviceAsync(user, "t1", Guid.CreateVersion7())).ShouldBeFalse();
        (await totp.RevokeTrustedDeviceAsync(user, "t1", laptop.Device.Id)).ShouldBeTrue();
        (await totp.RevokeTrustedDeviceAsync(user, "t1", laptop.Device.Id)).ShouldBeFalse("already revoked");
        (await factor.IsRequiredAsync(user, laptop.Token)).ShouldBeTrue();
        (await factor.IsRequiredAsync(user, phone.Token)).ShouldBeFalse();
        (await factor.IsRequiredAsync(other, foreign.Token)).ShouldBeFalse();

        await factor.OnPasswordChangedAsync(user);
        (await factor.IsRequiredAsync(user, phone.Token)).ShouldBeTrue("a password change revokes every device");
        (await factor.IsRequiredAsync(other, foreign.Token)).ShouldBeFalse("other users keep theirs");
        audit.Events.ShouldContain(e => e.Action == "totp.trusted_devices.revoked" && e.Data["reason"] == "password-changed: 1 revoked");

        var again = await totp.TrustDeviceAsync(user, null, null);
        again.Device.Name.ShouldBe("Unknown device");
        (await totp.RevokeTrustedDevicesAsync(user, "requested")).ShouldBe(1);
        (await totp.ListTrustedDevicesAsync(user)).ShouldBeEmpty();

        var last = await totp.TrustDeviceAsync(user, "Last", null);
        time.Advance(TimeSpan.FromSeconds(30));
        await totp.DisableAsync(user, Code(setup, time), null);
        (await factor.IsRequiredAsync(user, last.Token)).ShouldBeFalse("TOTP is off");
        await using var db = Database.CreateContext();
        (await db.TrustedDevices.CountAsync(d => d.UserId == user)).ShouldBe(0, "disabling TOTP forgets the devices");
        (await db.TrustedDevices.CountAsync(d => d.UserId == other)).ShouldBe(1);
        audit.Events.ShouldContain(e => e.Action == "totp.trusted_devices.revoked" && e.Data["reason"] == "totp-disabled: 1 revoked");
    }

    [Fact]
    public async Task Trusting_needs_an_enabled_enrolment_and_a_usable_name_and_keeps_the_newest_up_to_the_cap()
    {
        var time = TestClock.Create();
        await using var sp = Database.BuildServices(time, configure: o =>
        {
            o.MaxTrustedDevicesPerUser = 3;
            o.TrustedDeviceLifetime = TimeSpan.FromHours(1);
        });
        await using var scope = sp.CreateAsyncScope();
        var totp = scope.ServiceProvider.GetRequiredService<TotpService>();

        var stranger = Guid.CreateVersion7();
        await Should.ThrowAsync<TotpNotEnrolledException>(() => totp.TrustDeviceAsync(stranger, null, null));
        await totp.BeginSetupAsync(stranger, "t1", "pending@example.com");
        await Should.ThrowAsync<TotpNotEnrolledException>(() => totp.TrustDeviceAsync(stranger, null, null));

        var (user, _, _) = await EnrolAsync(sp, time);
        (await Should.ThrowAsync<AuthValidationException>(() => totp.TrustDeviceAsync(user, new string('x', 101), null))).Field.ShouldBe("deviceName");
        (await Should.ThrowAsync<AuthValidationException>(() => totp.TrustDeviceAsync(user, "tab\tbed", null))).Field.ShouldBe("deviceName");
        foreach (var lookalike in new[] { "laptop\u200B", "\u202Epot-pal", "my\u2067phone", "pc\u00AD" })
        {
            var refused = await Should.ThrowAsync<AuthValidationException>(() => totp.TrustDeviceAsync(user, lookalike, null));
            refused.Field.ShouldBe("deviceName");
            refused.Message.ShouldStartWith("The device name contains U+");
        }

        (await totp.ListTrustedDevicesAsync(user)).ShouldBeEmpty();

        var grants = new List<TotpTrustedDeviceGrant>();
        for (var i = 0; i < 5; i++)
        {
            grants.Add(await totp.TrustDeviceAsync(user, "d" + i.ToString(CultureInfo.InvariantCulture), null));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        grants.Select(g => g.Token).Distinct().Count().ShouldBe(5);
        grants[0].Device.ExpiresAt.ShouldBe(grants[0].Device.CreatedAt.AddHours(1));
        (await totp.ListTrustedDevicesAsync(user)).Select(d => d.Name).ShouldBe(["d2", "d3", "d4"]);
        (await totp.UseTrustedDeviceAsync(user, grants[0].Token)).ShouldBeFalse("the oldest was forgotten");
        (await totp.UseTrustedDeviceAsync(user, grants[4].Token)).ShouldBeTrue();

        // Expired devices are dropped when the next one is trusted.
        time.Advance(TimeSpan.FromHours(2));
        await totp.TrustDeviceAsync(user, "fresh", null);
        await using var db = Database.CreateContext();
        (await db.TrustedDevices.Where(d => d.UserId == user).Select(d => d.Name).ToListAsync()).ShouldBe(["fresh"]);
    }

    [Fact]
    public async Task Concurrent_logins_with_one_trusted_device_all_skip_and_a_revocation_stops_the_next()
    {
        var (time, _, sp) = Host();
        var (user, _, _) = await EnrolAsync(sp, time);
        TotpTrustedDeviceGrant grant;
        await using (var scope = sp.CreateAsyncScope())
        {
            grant = await scope.ServiceProvider.GetRequiredService<TotpService>().TrustDeviceAsync(user, "Shared", null);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            await using var scope = sp.CreateAsyncScope();
            return await scope.ServiceProvider.GetServices<ISecondFactorProvider>().Single().IsRequiredAsync(user, grant.Token);
        })));
        results.ShouldAllBe(required => !required);

        await using (var scope = sp.CreateAsyncScope())
        {
            var totp = scope.ServiceProvider.GetRequiredService<TotpService>();
            (await totp.RevokeTrustedDeviceAsync(user, "t1", grant.Device.Id)).ShouldBeTrue();
            (await totp.UseTrustedDeviceAsync(user, grant.Token)).ShouldBeFalse();
        }
    }

    [Theory]
    [InlineData(0, "Foundation:Auth:Totp:TrustedDeviceLifetime")]
    [InlineData(366 * 24 * 60, "Foundation:Auth:Totp:TrustedDeviceLifetime")]
    public async Task A_bad_trusted_device_lifetime_fails_naming_the_key(int minutes, string key)
    {
        await using var sp = Database.BuildServices(TestClock.Create(), configure: o => o.TrustedDeviceLifetime = TimeSpan.FromMinutes(minutes));
        var error = Should.Throw<OptionsValidationException>(() => sp.GetRequiredService<IOptions<TotpOptions>>().Value);
        error.Message.ShouldContain(key);
    }

    [Fact]
    public async Task A_bad_device_cap_fails_naming_the_key()
    {
        await using var sp = Database.BuildServices(TestClock.Create(), configure: o => o.MaxTrustedDevicesPerUser = 0);
        var error = Should.Throw<OptionsValidationException>(() => sp.GetRequiredService<IOptions<TotpOptions>>().Value);
        error.Message.ShouldContain("Foundation:Auth:Totp:MaxTrustedDevicesPerUser");
    }
}
