using System.Net;
using System.Text.Json;
using Foundation.FeatureFlags.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.FeatureFlags.Tests.Http;

/// <summary>Foundation.FeatureFlags over HTTP in a host that maps only <c>MapFoundationFeatureFlagsApi()</c>, on a real database.</summary>
public abstract class FeatureFlagsHttpTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : FeatureFlagsTestDatabase
{
    private const string Flags = "/api/v1/feature-flags";

    private readonly string _org = Foundation.Testing.StoreTestDatabase.NewTenant();
    private FeatureFlagsTestHost _host = null!;

    private string Admin => $"admin-1;{_org};admin";

    private string Member(string user, string roles = "member", string team = "") => $"{user};{_org};{roles};{team}";

    public async Task InitializeAsync() => _host = await FeatureFlagsTestHost.StartAsync(database);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_admin_creates_lists_reads_updates_and_deletes_a_flag_and_every_change_is_audited()
    {
        using (var created = await _host.SendAsync(HttpMethod.Post, Flags, Admin,
            new { name = "new-editor", description = "The new editor", enabled = true, rolloutPercentage = 10, teams = new[] { "t-1" } }))
        {
            var text = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            created.Headers.Location!.ToString().ShouldBe(Flags + "/new-editor");
            var body = JsonDocument.Parse(text).RootElement;
            body.GetProperty("name").GetString().ShouldBe("new-editor");
            body.GetProperty("enabled").GetBoolean().ShouldBeTrue();
            body.GetProperty("rolloutPercentage").GetInt32().ShouldBe(10);
            body.GetProperty("teams").EnumerateArray().Select(t => t.GetString()).ShouldBe(["t-1"]);
            body.GetProperty("version").GetInt64().ShouldBe(1);
            body.GetProperty("updatedBy").GetString().ShouldBe("admin-1");
        }

        await _host.JsonAsync(HttpMethod.Post, Flags, Admin, new { name = "Alpha" }, HttpStatusCode.Created);
        var list = await _host.JsonAsync(HttpMethod.Get, Flags, Admin);
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ShouldBe(["Alpha", "new-editor"]);

        // A flag created without enabled is off, and for everyone (100%) once enabled.
        var alpha = await _host.JsonAsync(HttpMethod.Get, Flags + "/alpha", Admin);
        alpha.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        alpha.GetProperty("rolloutPercentage").GetInt32().ShouldBe(100);

        var updated = await _host.JsonAsync(HttpMethod.Put, Flags + "/new-editor", Admin, new { enabled = true, rolloutPercentage = 30, users = new[] { "u-9" } });
        updated.GetProperty("rolloutPercentage").GetInt32().ShouldBe(30);
        updated.GetProperty("users").EnumerateArray().Select(t => t.GetString()).ShouldBe(["u-9"]);
        updated.GetProperty("teams").GetArrayLength().ShouldBe(0);
        updated.GetProperty("version").GetInt64().ShouldBe(2);

        using (var deleted = await _host.SendAsync(HttpMethod.Delete, Flags + "/new-editor", Admin))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var gone = await _host.SendAsync(HttpMethod.Get, Flags + "/new-editor", Admin))
        {
            gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await gone.Content.ReadAsStringAsync()).ShouldContain("new-editor");
        }

        var events = _host.Audit.Events.Where(e => e.TenantId == _org).ToList();
        events.Select(e => e.Action).ShouldBe(["feature_flag.created", "feature_flag.created", "feature_flag.updated", "feature_flag.deleted"]);
        events.ShouldAllBe(e => e.ActorUserId == "admin-1" && e.TargetType == "feature_flag");
        events[2].TargetId.ShouldBe("new-editor");
        events[2].Data["rolloutPercentage"].ShouldBe("30");
    }

    [Theory]
    [InlineData("""{"name":"ok-flag","rolloutPercentage":101}""", "rolloutPercentage")]
    [InlineData("""{"name":"ok-flag","rolloutPercentage":-1}""", "rolloutPercentage")]
    [InlineData("""{"name":"ok-flag","rolloutPercentage":12.5}""", "rolloutPercentage")]
    [InlineData("""{"name":"ok-flag","rolloutPercentage":"ten"}""", "rolloutPercentage")]
    [InlineData("""{"name":"has spaces"}""", "name")]
    [InlineData("""{"name":"-leading-dash"}""", "name")]
    [InlineData("""{"name":"a-name-that-is-far-too-long-for-a-feature-flag-0123456789abcdefghijk"}""", "name")]
    [InlineData("""{"enabled":true}""", "name")]
    [InlineData("""{"name":"ok-flag","rollout":10}""", "rollout")]
    [InlineData("""{"name":"ok-flag","enabled":"yes"}""", "enabled")]
    [InlineData("""{"name":"ok-flag","users":"u-1"}""", "users")]
    [InlineData("""{"name":"ok-flag","users":["u-1",""]}""", "users[1]")]
    [InlineData("""{"name":"ok-flag",""", "body")]
    public async Task Bad_input_is_a_400_naming_the_field_and_nothing_is_written(string body, string field)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, Flags, Admin, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("field").GetString().ShouldBe(field, text);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(text);

        await using var db = database.CreateContext();
        (await db.Flags.CountAsync(f => f.TenantId == _org)).ShouldBe(0);
        _host.Audit.Events.ShouldNotContain(e => e.TenantId == _org);
    }

    [Fact]
    public async Task A_taken_name_is_a_409_whatever_its_case_and_an_update_cannot_rename()
    {
        await _host.JsonAsync(HttpMethod.Post, Flags, Admin, new { name = "Checkout", enabled = true }, HttpStatusCode.Created);
        using (var duplicate = await _host.SendAsync(HttpMethod.Post, Flags, Admin, new { name = "checkout", enabled = false }))
        {
            var text = await duplicate.Content.ReadAsStringAsync();
            duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict, text);
            JsonDocument.Parse(text).RootElement.GetProperty("field").GetString().ShouldBe("name");
        }

        using (var rename = await _host.SendAsync(HttpMethod.Put, Flags + "/Checkout", Admin, new { name = "other", enabled = false }))
        {
            rename.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        using (var bad = await _host.SendAsync(HttpMethod.Put, Flags + "/Checkout", Admin, """{"enabled":false,"rolloutPercentage":101}"""))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        var stored = await _host.JsonAsync(HttpMethod.Get, Flags + "/checkout", Admin);
        stored.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        stored.GetProperty("version").GetInt64().ShouldBe(1);
        await using var db = database.CreateContext();
        (await db.Flags.CountAsync(f => f.TenantId == _org)).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_creates_of_one_name_give_one_flag_and_409_for_the_rest()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            _host.SendAsync(HttpMethod.Post, Flags, Admin, new { name = i % 2 == 0 ? "race" : "RACE", enabled = true, rolloutPercentage = i * 10 })));
        try
        {
            responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
            responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(7, string.Join(", ", responses.Select(r => r.StatusCode)));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        await using var db = database.CreateContext();
        (await db.Flags.CountAsync(f => f.TenantId == _org)).ShouldBe(1);
        _host.Audit.Events.Count(e => e.TenantId == _org).ShouldBe(1);
    }

    [Fact]
    public async Task Another_organisations_admin_gets_404_for_every_route_and_a_member_gets_403()
    {
        await _host.JsonAsync(HttpMethod.Post, Flags, Admin, new { name = "secret-project", enabled = true }, HttpStatusCode.Created);
        var stranger = $"admin-2;other-{_org};owner";
        foreach (var (method, body) in new (HttpMethod, object?)[] { (HttpMethod.Get, null), (HttpMethod.Put, new { enabled = false }), (HttpMethod.Delete, null) })
        {
            using var response = await _host.SendAsync(method, Flags + "/secret-project", stranger, body);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, method.ToString());
        }

        (await _host.JsonAsync(HttpMethod.Get, Flags, stranger)).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await _host.FeaturesAsync($"u-1;other-{_org};member")).ShouldNotContainKey("secret-project");

        using (var member = await _host.SendAsync(HttpMethod.Get, Flags, Member("u-1")))
        {
            member.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using (var anonymous = await _host.SendAsync(HttpMethod.Get, "/api/v1/features", caller: null))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var mine = await _host.JsonAsync(HttpMethod.Get, Flags + "/secret-project", Admin);
        mine.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        (await _host.FeaturesAsync(Member("u-1")))["secret-project"].ShouldBeTrue();
    }

    [Fact]
    public async Task Targeting_by_user_team_and_role_and_exclusion_wins()
    {
        await _host.JsonAsync(HttpMethod.Post, Flags, Admin, new
        {
            name = "targeted",
            enabled = true,
            users = new[] { "u-named", "u-excluded" },
            teams = new[] { "team-red" },
            roles = new[] { "Manager" },
            excludedUsers = new[] { "u-excluded" },
        }, HttpStatusCode.Created);

        (await _host.FeaturesAsync(Member("u-named")))["targeted"].ShouldBeTrue();
        (await _host.FeaturesAsync(Member("u-teammate", team: "team-red")))["targeted"].ShouldBeTrue();
        (await _host.FeaturesAsync(Member("u-manager", roles: "manager")))["targeted"].ShouldBeTrue();
        (await _host.FeaturesAsync(Member("u-other", team: "team-blue")))["targeted"].ShouldBeFalse();
        (await _host.FeaturesAsync(Member("u-excluded", roles: "manager")))["targeted"].ShouldBeFalse();

        // The master switch: off for everyone, the named user included.
        await _host.JsonAsync(HttpMethod.Put, Flags + "/targeted", Admin, new { enabled = false, users = new[] { "u-named" } });
        (await _host.FeaturesAsync(Member("u-named")))["targeted"].ShouldBeFalse();
    }

    [Fact]
    public async Task Ten_thousand_users_at_25_percent_give_25_percent_and_raising_to_50_keeps_every_one_of_them()
    {
        await _host.JsonAsync(HttpMethod.Post, Flags, Admin, new { name = "gradual", enabled = true, rolloutPercentage = 25 }, HttpStatusCode.Created);
        var users = Enumerable.Range(0, 10_000).Select(i => $"user-{i:D5}").ToList();
        var at25 = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            if (await _host.IsEnabledAsync("gradual", Member(user)))
            {
                at25.Add(user);
            }
        }

        at25.Count.ShouldBeInRange(2_300, 2_700);

        // Sticky: the same users again, and over HTTP, get the same answer.
        foreach (var user in users.Take(200))
        {
            (await _host.FeaturesAsync(Member(user)))["gradual"].ShouldBe(at25.Contains(user), user);
        }

        await _host.JsonAsync(HttpMethod.Put, Flags + "/gradual", Admin, new { enabled = true, rolloutPercentage = 50 });
        var at50 = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            if (await _host.IsEnabledAsync("gradual", Member(user)))
            {
                at50.Add(user);
            }
        }

        at50.Count.ShouldBeInRange(4_800, 5_200);
        at25.Except(at50).ShouldBeEmpty("raising the rollout took the flag from users who had it");
    }

    [Fact]
    public async Task A_change_is_visible_on_the_same_instance_at_once_and_on_another_within_the_cache_ttl()
    {
        await using var other = await FeatureFlagsTestHost.StartAsync(database);
        await _host.JsonAsync(HttpMethod.Post, Flags, Admin, new { name = "spread", enabled = false }, HttpStatusCode.Created);

        // The other instance reads (and caches) the organisation's flags: off.
        (await other.FeaturesAsync(Member("u-1")))["spread"].ShouldBeFalse();

        await _host.JsonAsync(HttpMethod.Put, Flags + "/spread", Admin, new { enabled = true });
        (await _host.FeaturesAsync(Member("u-1")))["spread"].ShouldBeTrue();

        // The default bound is 30 seconds: one second before it, the other instance still answers from its cache; at it, it reads again.
        other.Time.Advance(TimeSpan.FromSeconds(29));
        (await other.FeaturesAsync(Member("u-1")))["spread"].ShouldBeFalse();
        other.Time.Advance(TimeSpan.FromSeconds(1));
        (await other.FeaturesAsync(Member("u-1")))["spread"].ShouldBeTrue();

        // A deletion likewise; and Invalidate (what a shared bus would call) makes it visible at once.
        using (var deleted = await _host.SendAsync(HttpMethod.Delete, Flags + "/spread", Admin))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await _host.FeaturesAsync(Member("u-1"))).ShouldNotContainKey("spread");
        (await other.FeaturesAsync(Member("u-1")))["spread"].ShouldBeTrue();
        other.App.Services.GetRequiredService<FeatureFlagCache>().Invalidate(_org);
        (await other.FeaturesAsync(Member("u-1"))).ShouldNotContainKey("spread");
    }

    [Fact]
    public async Task With_a_shared_invalidation_bus_a_change_is_visible_on_another_instance_without_waiting_for_the_ttl()
    {
        // One bus joining two instances, as Foundation.Hosting's Redis pub/sub does across processes.
        var bus = new Foundation.Caching.InProcessCacheInvalidationBus();
        await using var a = await FeatureFlagsTestHost.StartAsync(database, bus: bus);
        await using var b = await FeatureFlagsTestHost.StartAsync(database, bus: bus);
        await a.JsonAsync(HttpMethod.Post, Flags, Admin, new { name = "pushed", enabled = false }, HttpStatusCode.Created);
        (await b.FeaturesAsync(Member("u-1")))["pushed"].ShouldBeFalse();

        await a.JsonAsync(HttpMethod.Put, Flags + "/pushed", Admin, new { enabled = true });
        (await b.FeaturesAsync(Member("u-1")))["pushed"].ShouldBeTrue("b's cached entry was dropped by the message, with no time passed");

        using (var deleted = await a.SendAsync(HttpMethod.Delete, Flags + "/pushed", Admin))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await b.FeaturesAsync(Member("u-1"))).ShouldNotContainKey("pushed");
    }

    [Fact]
    public async Task The_endpoint_filter_gates_an_endpoint_on_the_callers_flag()
    {
        using (var off = await _host.SendAsync(HttpMethod.Get, "/beta-only", Member("u-1")))
        {
            off.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        await _host.JsonAsync(HttpMethod.Post, Flags, Admin, new { name = "beta-gate", enabled = true, users = new[] { "u-1" } }, HttpStatusCode.Created);
        using (var on = await _host.SendAsync(HttpMethod.Get, "/beta-only", Member("u-1")))
        {
            on.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var notTargeted = await _host.SendAsync(HttpMethod.Get, "/beta-only", Member("u-2"));
        notTargeted.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class FeatureFlagsHttpOnSqliteTests(SqliteFeatureFlagsDatabase database) : FeatureFlagsHttpTests<SqliteFeatureFlagsDatabase>(database);

public sealed class FeatureFlagsHttpOnPostgresTests(PostgresFeatureFlagsDatabase database) : FeatureFlagsHttpTests<PostgresFeatureFlagsDatabase>(database);
