using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Email;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>
/// Organisations over HTTP through the sample host: create, list, switch (a new token pair of the same session), the
/// isolation of a switched session, members and roles (escalation refused, the last owner kept), bad input, removal
/// and deletion. Run on SQLite (<see cref="OrganizationOnSqliteTests"/>) and PostgreSQL (<see cref="OrganizationOnPostgresTests"/>).
/// </summary>
public abstract partial class OrganizationTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private AuthTestHost? _host;

    /// <summary>The host's clock.</summary>
    protected FakeTimeProvider Clock { get; } = TestClock.Create();

    /// <summary>Every e-mail the host sends.</summary>
    protected CapturingEmailSender Mail { get; } = new();

    private protected AuthTestHost Host => _host ?? throw new InvalidOperationException("Not initialised.");

    protected virtual Task CreateDatabaseAsync() => Task.CompletedTask;

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    protected virtual IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        _host = new AuthTestHost(Settings(), s =>
        {
            s.Replace(ServiceDescriptor.Singleton<IEmailSender>(Mail));
            s.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
        });
    }

    public async Task DisposeAsync()
    {
        _host?.Dispose();
        await DropDatabaseAsync();
    }

    [Fact]
    public async Task A_user_creates_an_organisation_lists_it_and_switches_into_it_with_a_new_pair_of_the_same_session()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");

        using var created = await Send(client, HttpMethod.Post, "/api/v1/organizations", ada, new { name = "Acme Corp", settings = new { theme = "dark" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var acme = await created.ReadJsonAsync();
        var acmeId = acme.Text("id");
        acmeId.Length.ShouldBe(32);
        acme.Text("slug").ShouldBe("acme-corp");
        acme.Text("role").ShouldBe("owner");
        acme.GetProperty("settings").GetProperty("theme").GetString().ShouldBe("dark");
        created.Headers.Location!.ToString().ShouldBe("/api/v1/organizations/" + acmeId);

        var mine = await ListMineAsync(client, ada);
        mine.Select(o => (o.Text("id"), o.Text("role"), o.GetProperty("isActive").GetBoolean()))
            .ShouldBe([(acmeId, "owner", false), ("~default", "owner", true)], ignoreOrder: true);

        var switched = await SwitchAsync(client, ada, acmeId);
        switched.Text("sessionId").ShouldBe(ada.Text("sessionId"), "switching keeps the session");
        switched.Text("refreshToken").ShouldNotBe(ada.Text("refreshToken"));
        var me = await MeAsync(client, switched.Text("accessToken"));
        me.Text("tenantId").ShouldBe(acmeId);
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["owner"]);
        (await ListMineAsync(client, switched)).Single(o => o.GetProperty("isActive").GetBoolean()).Text("id").ShouldBe(acmeId);

        // The session keeps its organisation across a refresh.
        using var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = switched.Text("refreshToken") });
        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var afterRefresh = await refreshed.ReadJsonAsync();
        (await MeAsync(client, afterRefresh.Text("accessToken"))).Text("tenantId").ShouldBe(acmeId);

        // Back to the default organisation.
        var back = await SwitchAsync(client, afterRefresh, "~default");
        (await MeAsync(client, back.Text("accessToken"))).Text("tenantId").ShouldBe(string.Empty);
        Host.Audit.Events.ShouldContain(e => e.Action == "organization.created" && e.TenantId == acmeId);
        Host.Audit.Events.Count(e => e.Action == "organization.switched").ShouldBe(2);
    }

    [Fact]
    public async Task A_session_switched_into_organisation_B_sees_only_B_s_api_keys_and_a_key_made_there_acts_in_B()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        using (var keyA = await Send(client, HttpMethod.Post, "/api/v1/api-keys", ada, new { name = "in-a" }))
        {
            keyA.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var b = await CreateAsync(client, ada, "Bravo");
        var inB = await SwitchAsync(client, ada, b);
        (await ApiKeyNamesAsync(client, inB)).ShouldBeEmpty("nothing of organisation A is visible in B");

        using var keyB = await Send(client, HttpMethod.Post, "/api/v1/api-keys", inB, new { name = "in-b" });
        keyB.StatusCode.ShouldBe(HttpStatusCode.Created);
        var secret = (await keyB.ReadJsonAsync()).Text("key");
        (await ApiKeyNamesAsync(client, inB)).ShouldBe(["in-b"]);

        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        withKey.Headers.TryAddWithoutValidation("Authorization", "Bearer " + secret);
        using var keyMe = await client.SendAsync(withKey);
        keyMe.StatusCode.ShouldBe(HttpStatusCode.OK, await keyMe.Content.ReadAsStringAsync());
        (await keyMe.ReadJsonAsync()).Text("tenantId").ShouldBe(b, "a key acts in the organisation it was made in");

        var backInA = await SwitchAsync(client, inB, "~default");
        (await ApiKeyNamesAsync(client, backInA)).ShouldBe(["in-a"]);
    }

    [Fact]
    public async Task Nobody_raises_anyone_above_their_own_role_and_the_last_owner_can_neither_be_demoted_nor_leave()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var carol = await SignUpAsync(client, "carol@example.com");
        var bobId = await UserIdAsync(client, bob);
        var carolId = await UserIdAsync(client, carol);
        var adaId = await UserIdAsync(client, ada);
        const string Org = "/api/v1/organizations/~default";

        // A member cannot change roles, not even their own.
        using (var selfPromotion = await Send(client, HttpMethod.Patch, $"{Org}/members/{bobId}", bob, new { role = "admin" }))
        {
            (await selfPromotion.ShouldBeProblemAsync(403)).Text("code").ShouldBe("forbidden");
        }

        (await ChangeRoleAsync(client, ada, bobId, "admin")).Text("role").ShouldBe("admin");
        (await MeAsync(client, bob.Text("accessToken"))).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["admin"],
            "the new role applies to the member's live session at once");

        // An admin cannot make anyone (himself included) an owner, nor touch the owner.
        using (var toOwner = await Send(client, HttpMethod.Patch, $"{Org}/members/{carolId}", bob, new { role = "owner" }))
        {
            var problem = await toOwner.ShouldBeProblemAsync(403);
            problem.Text("code").ShouldBe("role_above_own");
            problem.Text("field").ShouldBe("role");
        }

        using (var demoteOwner = await Send(client, HttpMethod.Patch, $"{Org}/members/{adaId}", bob, new { role = "member" }))
        {
            (await demoteOwner.ShouldBeProblemAsync(403)).Text("code").ShouldBe("role_above_own");
        }

        using (var removeOwner = await Send(client, HttpMethod.Delete, $"{Org}/members/{adaId}", bob))
        {
            (await removeOwner.ShouldBeProblemAsync(403)).Text("code").ShouldBe("role_above_own");
        }

        (await ChangeRoleAsync(client, bob, carolId, "manager")).Text("role").ShouldBe("manager");

        // A role that does not exist: 400 naming the field.
        using (var unknown = await Send(client, HttpMethod.Patch, $"{Org}/members/{carolId}", ada, new { role = "superuser" }))
        {
            (await unknown.ShouldBeProblemAsync(400)).Text("field").ShouldBe("role");
        }

        // The last owner can neither be demoted nor leave.
        using (var demoteSelf = await Send(client, HttpMethod.Patch, $"{Org}/members/{adaId}", ada, new { role = "admin" }))
        {
            var problem = await demoteSelf.ShouldBeProblemAsync(409);
            problem.Text("code").ShouldBe("last_owner");
            problem.Text("detail").ShouldContain("last owner");
        }

        using (var leave = await Send(client, HttpMethod.Delete, $"{Org}/members/{adaId}", ada))
        {
            (await leave.ShouldBeProblemAsync(409)).Text("code").ShouldBe("last_owner");
        }

        var members = await MembersAsync(client, ada);
        members.ShouldBe([("ada@example.com", "owner"), ("bob@example.com", "admin"), ("carol@example.com", "manager")], "nothing was half-written");

        // With a second owner, the first may step down.
        (await ChangeRoleAsync(client, ada, bobId, "owner")).Text("role").ShouldBe("owner");
        (await ChangeRoleAsync(client, ada, adaId, "member")).Text("role").ShouldBe("member");
        Host.Audit.Events.Count(e => e.Action == "organization.member.role_changed").ShouldBe(4);
    }

    [Fact]
    public async Task A_removed_member_loses_the_session_in_the_organisation_and_an_outsider_sees_nothing_of_it()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var bobId = await UserIdAsync(client, bob);
        var acme = await CreateAsync(client, ada, "Acme");

        // Bob is not a member of Acme: it does not exist for him.
        using (var get = await Send(client, HttpMethod.Get, "/api/v1/organizations/" + acme, bob))
        {
            (await get.ShouldBeProblemAsync(404)).Text("code").ShouldBe("organization_not_found");
        }

        using (var switchInto = await Send(client, HttpMethod.Post, "/api/v1/auth/switch-organization", bob, new { organizationId = acme }))
        {
            await switchInto.ShouldBeProblemAsync(404);
        }

        using (var rename = await Send(client, HttpMethod.Patch, "/api/v1/organizations/" + acme, bob, new { name = "Mine now" }))
        {
            await rename.ShouldBeProblemAsync(404);
        }

        using (var missing = await Send(client, HttpMethod.Post, "/api/v1/auth/switch-organization", bob, new { }))
        {
            (await missing.ShouldBeProblemAsync(400)).Text("field").ShouldBe("organizationId");
        }

        // Removed from the default organisation (his only one), Bob's session ends and he cannot sign in.
        using (var remove = await Send(client, HttpMethod.Delete, $"/api/v1/organizations/~default/members/{bobId}", ada))
        {
            remove.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using var me = await client.SendAsync(Host.Authorized(HttpMethod.Get, "/api/v1/auth/me", bob.Text("accessToken")));
        me.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "bob@example.com", password = Password });
        login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        Host.Audit.Events.ShouldContain(e => e.Action == "organization.member.removed" && e.TargetId == bobId.ToString());
    }

    [Fact]
    public async Task An_access_token_issued_before_a_switch_or_a_role_change_acts_where_and_as_the_session_now_says()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var bobId = await UserIdAsync(client, bob);
        var acme = await CreateAsync(client, ada, "Acme");

        // Ada switches into Acme with her first token; that token (not only the new pair) now acts in Acme, as the session says.
        await SwitchAsync(client, ada, acme);
        var before = await MeAsync(client, ada.Text("accessToken"));
        before.Text("tenantId").ShouldBe(acme);
        (await ListMineAsync(client, ada)).Single(o => o.GetProperty("isActive").GetBoolean()).Text("id").ShouldBe(acme);

        // A role change applies to Bob's existing token at once, both ways.
        await ChangeRoleAsync(client, await SwitchAsync(client, ada, "~default"), bobId, "admin");
        (await MeAsync(client, bob.Text("accessToken"))).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["admin"]);
        await ChangeRoleAsync(client, ada, bobId, "viewer");
        (await MeAsync(client, bob.Text("accessToken"))).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["viewer"]);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_created()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        await CreateAsync(client, ada, "Taken", slug: "taken");

        (await CreateProblemAsync(client, ada, new { name = new string('n', 201) }, 400)).Text("field").ShouldBe("name");
        (await CreateProblemAsync(client, ada, new { name = "   " }, 400)).Text("field").ShouldBe("name");
        (await CreateProblemAsync(client, ada, new { name = "Ok", slug = "Bad Slug" }, 400)).Text("field").ShouldBe("slug");
        (await CreateProblemAsync(client, ada, new { name = "Ok", slug = "-x" }, 400)).Text("field").ShouldBe("slug");
        (await CreateProblemAsync(client, ada, new { name = "Ok", settings = new[] { 1, 2 } }, 400)).Text("field").ShouldBe("settings");
        (await CreateProblemAsync(client, ada, new { name = "Ok", settings = new { blob = new string('x', 5000) } }, 400)).Text("field").ShouldBe("settings");
        var taken = await CreateProblemAsync(client, ada, new { name = "Other", slug = "taken" }, 409);
        taken.Text("code").ShouldBe("slug_taken");
        taken.Text("field").ShouldBe("slug");

        (await ListMineAsync(client, ada)).Count.ShouldBe(2, "the default organisation and 'Taken' only");

        var other = await CreateAsync(client, ada, "Other Org");
        using var renameToTaken = await Send(client, HttpMethod.Patch, "/api/v1/organizations/" + other, ada, new { name = "Renamed", slug = "taken" });
        (await renameToTaken.ShouldBeProblemAsync(409)).Text("code").ShouldBe("slug_taken");
        using var get = await Send(client, HttpMethod.Get, "/api/v1/organizations/" + other, ada);
        (await get.ReadJsonAsync()).Text("name").ShouldBe("Other Org", "the refused update changed nothing");
    }

    [Fact]
    public async Task Admins_rename_and_owners_delete_an_organisation_with_its_keys_and_sessions()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var acme = await CreateAsync(client, ada, "Acme");
        using (var renamed = await Send(client, HttpMethod.Patch, "/api/v1/organizations/" + acme, ada, new { name = "Acme Ltd", slug = "acme-ltd", settings = new { seats = 5 } }))
        {
            renamed.StatusCode.ShouldBe(HttpStatusCode.OK);
            var body = await renamed.ReadJsonAsync();
            body.Text("name").ShouldBe("Acme Ltd");
            body.Text("slug").ShouldBe("acme-ltd");
            body.GetProperty("settings").GetProperty("seats").GetInt32().ShouldBe(5);
        }

        var inAcme = await SwitchAsync(client, ada, acme);
        using (var key = await Send(client, HttpMethod.Post, "/api/v1/api-keys", inAcme, new { name = "acme-key" }))
        {
            key.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        // A second login of Ada stays in the default organisation and deletes Acme from there.
        var other = await Host.LoginAsync(client, "ada@example.com", Password);
        using (var deleted = await Send(client, HttpMethod.Delete, "/api/v1/organizations/" + acme, other))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var gone = await Send(client, HttpMethod.Get, "/api/v1/organizations/" + acme, other))
        {
            await gone.ShouldBeProblemAsync(404);
        }

        using var acmeSession = await client.SendAsync(Host.Authorized(HttpMethod.Get, "/api/v1/auth/me", inAcme.Text("accessToken")));
        acmeSession.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the session active in the deleted organisation is revoked");
        (await ListMineAsync(client, other)).Select(o => o.Text("id")).ShouldBe(["~default"]);
        Host.Audit.Events.ShouldContain(e => e.Action == "organization.deleted" && e.TargetId == acme);
    }

    [Fact]
    public async Task Only_an_owner_deletes_and_only_an_admin_renames()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var bobId = await UserIdAsync(client, bob);

        using (var rename = await Send(client, HttpMethod.Patch, "/api/v1/organizations/~default", bob, new { name = "Bob's" }))
        {
            (await rename.ShouldBeProblemAsync(403)).Text("code").ShouldBe("forbidden");
        }

        await ChangeRoleAsync(client, ada, bobId, "admin");
        using (var delete = await Send(client, HttpMethod.Delete, "/api/v1/organizations/~default", bob))
        {
            (await delete.ShouldBeProblemAsync(403)).Text("detail").ShouldContain("owner");
        }

        using var renamed = await Send(client, HttpMethod.Patch, "/api/v1/organizations/~default", bob, new { name = "Renamed by an admin" });
        renamed.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Managers_run_teams_and_a_member_s_calls_carry_their_team()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var carol = await SignUpAsync(client, "carol@example.com");
        var bobId = await UserIdAsync(client, bob);
        var carolId = await UserIdAsync(client, carol);
        const string Org = "/api/v1/organizations/~default";

        using (var memberCreates = await Send(client, HttpMethod.Post, $"{Org}/teams", bob, new { name = "Platform" }))
        {
            (await memberCreates.ShouldBeProblemAsync(403)).Text("code").ShouldBe("forbidden");
        }

        await ChangeRoleAsync(client, ada, bobId, "manager");
        using var created = await Send(client, HttpMethod.Post, $"{Org}/teams", bob, new { name = "Platform" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var teamId = (await created.ReadJsonAsync()).Text("id");
        using (var duplicate = await Send(client, HttpMethod.Post, $"{Org}/teams", ada, new { name = "Platform" }))
        {
            var problem = await duplicate.ShouldBeProblemAsync(409);
            problem.Text("code").ShouldBe("team_name_taken");
            problem.Text("field").ShouldBe("name");
        }

        using (var tooLong = await Send(client, HttpMethod.Post, $"{Org}/teams", ada, new { name = new string('t', 101) }))
        {
            (await tooLong.ShouldBeProblemAsync(400)).Text("field").ShouldBe("name");
        }

        using (var badRole = await Send(client, HttpMethod.Put, $"{Org}/teams/{teamId}/members/{carolId}", bob, new { role = "captain" }))
        {
            (await badRole.ShouldBeProblemAsync(400)).Text("field").ShouldBe("role");
        }

        using (var add = await Send(client, HttpMethod.Put, $"{Org}/teams/{teamId}/members/{carolId}", bob, new { role = "maintainer" }))
        {
            add.StatusCode.ShouldBe(HttpStatusCode.OK, await add.Content.ReadAsStringAsync());
            (await add.ReadJsonAsync()).Text("role").ShouldBe("maintainer");
        }

        (await MeAsync(client, carol.Text("accessToken"))).Text("teamId").ShouldBe(teamId, "the team is the caller's team (ICurrentCaller.TeamId)");
        (await MeAsync(client, ada.Text("accessToken"))).GetProperty("teamId").ValueKind.ShouldBe(JsonValueKind.Null);

        // A maintainer manages the team's members; an outsider to the organisation cannot be added.
        using (var outsider = await Send(client, HttpMethod.Put, $"{Org}/teams/{teamId}/members/{Guid.NewGuid()}", carol, new { role = "member" }))
        {
            (await outsider.ShouldBeProblemAsync(404)).Text("code").ShouldBe("member_not_found");
        }

        using (var list = await Send(client, HttpMethod.Get, $"{Org}/teams", ada))
        {
            var teams = (await list.ReadJsonAsync()).EnumerateArray().ToList();
            teams.Single().GetProperty("memberCount").GetInt32().ShouldBe(1);
        }

        using (var rename = await Send(client, HttpMethod.Patch, $"{Org}/teams/{teamId}", bob, new { name = "Platform Eng" }))
        {
            (await rename.ReadJsonAsync()).Text("name").ShouldBe("Platform Eng");
        }

        using (var leave = await Send(client, HttpMethod.Delete, $"{Org}/teams/{teamId}/members/{carolId}", carol))
        {
            leave.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await MeAsync(client, carol.Text("accessToken"))).GetProperty("teamId").ValueKind.ShouldBe(JsonValueKind.Null);
        using (var delete = await Send(client, HttpMethod.Delete, $"{Org}/teams/{teamId}", bob))
        {
            delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        Host.Audit.Events.Select(e => e.Action).Where(a => a.StartsWith("organization.team.", StringComparison.Ordinal))
            .ShouldBe(["organization.team.created", "organization.team.member_set", "organization.team.renamed", "organization.team.member_removed", "organization.team.deleted"]);
    }

    [Fact]
    public async Task An_invitation_by_email_creates_the_account_and_the_new_member_sees_only_that_organisation()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var acme = await CreateAsync(client, ada, "Acme");
        var inAcme = await SwitchAsync(client, ada, acme);
        using (var key = await Send(client, HttpMethod.Post, "/api/v1/api-keys", ada, new { name = "acme-only" }))
        {
            key.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using (var team = await Send(client, HttpMethod.Post, $"/api/v1/organizations/{acme}/teams", inAcme, new { name = "Research" }))
        {
            team.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var teamId = Guid.Parse((await (await client.SendAsync(Request(HttpMethod.Get, $"/api/v1/organizations/{acme}/teams", inAcme))).ReadJsonAsync()).EnumerateArray().Single().Text("id"));
        using var invited = await Send(client, HttpMethod.Post, $"/api/v1/organizations/{acme}/invitations", inAcme, new { email = "dan@example.com", role = "viewer", teamIds = new[] { teamId } });
        invited.StatusCode.ShouldBe(HttpStatusCode.Created, await invited.Content.ReadAsStringAsync());
        var invitation = await invited.ReadJsonAsync();
        invitation.Text("status").ShouldBe("pending");
        (await invited.Content.ReadAsStringAsync()).ShouldNotContain("token", Case.Insensitive, "the token goes only to the address");

        var mail = Mail.Messages.Where(m => m.Category == "invitation").ShouldHaveSingleItem(); // registration mailed a confirmation to the inviter too
        mail.To.ShouldBe("dan@example.com");
        mail.Category.ShouldBe("invitation");
        var token = CapturingEmailSender.TokenIn(mail);

        using var accepted = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = Password });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        var acceptance = await accepted.ReadJsonAsync();
        acceptance.Text("organizationId").ShouldBe(acme);
        acceptance.Text("role").ShouldBe("viewer");

        using (var again = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = Password }))
        {
            (await again.ShouldBeProblemAsync(409)).Text("code").ShouldBe("invitation_already_accepted");
        }

        // Dan signs in to Acme and sees Acme only: one organisation, its team, none of its owner's keys.
        var dan = await Host.LoginAsync(client, "dan@example.com", Password, acceptance.Text("tenantId"));
        var me = await MeAsync(client, dan.Text("accessToken"));
        me.Text("tenantId").ShouldBe(acme);
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["viewer"]);
        me.Text("teamId").ShouldBe(teamId.ToString());
        (await ListMineAsync(client, dan)).Select(o => o.Text("id")).ShouldBe([acme]);
        (await ApiKeyNamesAsync(client, dan)).ShouldBeEmpty();
        using (var notMember = await Send(client, HttpMethod.Post, "/api/v1/auth/switch-organization", dan, new { organizationId = "~default" }))
        {
            await notMember.ShouldBeProblemAsync(404);
        }

        using (var listed = await Send(client, HttpMethod.Get, $"/api/v1/organizations/{acme}/invitations", inAcme))
        {
            (await listed.ReadJsonAsync()).EnumerateArray().Single().Text("status").ShouldBe("accepted");
        }

        using (var reinvite = await Send(client, HttpMethod.Post, $"/api/v1/organizations/{acme}/invitations", inAcme, new { email = "DAN@example.com" }))
        {
            var problem = await reinvite.ShouldBeProblemAsync(409);
            problem.Text("code").ShouldBe("already_member");
            problem.Text("field").ShouldBe("email");
        }

        Host.Audit.Events.ShouldContain(e => e.Action == "organization.invitation.accepted" && e.TenantId == acme);
    }

    [Fact]
    public async Task Revoked_expired_resent_and_misdirected_invitations_are_refused_clearly()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var bobId = await UserIdAsync(client, bob);
        var erin = await SignUpAsync(client, "erin@example.com");
        var erinId = await UserIdAsync(client, erin);
        var acme = await CreateAsync(client, ada, "Acme");
        var inAcme = await SwitchAsync(client, ada, acme);
        var invitations = $"/api/v1/organizations/{acme}/invitations";

        // Revoked.
        var revokedId = await InviteAsync(client, inAcme, invitations, "frank@example.com");
        var revokedToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);
        using (var revoke = await Send(client, HttpMethod.Delete, $"{invitations}/{revokedId}", inAcme))
        {
            revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var afterRevoke = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = revokedToken, password = Password }))
        {
            (await afterRevoke.ShouldBeProblemAsync(410)).Text("code").ShouldBe("invitation_revoked");
        }

        // Resent: the old token stops working, the new one works.
        var resentId = await InviteAsync(client, inAcme, invitations, "grace@example.com");
        var firstToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);
        using (var resend = await Send(client, HttpMethod.Post, $"{invitations}/{resentId}/resend", inAcme))
        {
            resend.StatusCode.ShouldBe(HttpStatusCode.OK, await resend.Content.ReadAsStringAsync());
        }

        var secondToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);
        secondToken.ShouldNotBe(firstToken);
        using (var oldToken = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = firstToken, password = Password }))
        {
            (await oldToken.ShouldBeProblemAsync(404)).Text("code").ShouldBe("invitation_not_found");
        }

        using (var malformed = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = "nope", password = Password }))
        {
            (await malformed.ShouldBeProblemAsync(400)).Text("field").ShouldBe("token");
        }

        // Signed in with another address: refused; signed in with the invited one: the existing account joins.
        await InviteAsync(client, inAcme, invitations, "erin@example.com", role: "member");
        var erinToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);
        using (var wrongAccount = await Send(client, HttpMethod.Post, "/api/v1/invitations/accept", bob, new { token = erinToken }))
        {
            (await wrongAccount.ShouldBeProblemAsync(403)).Text("code").ShouldBe("invitation_for_another_address");
        }

        using (var rightAccount = await Send(client, HttpMethod.Post, "/api/v1/invitations/accept", erin, new { token = erinToken }))
        {
            rightAccount.StatusCode.ShouldBe(HttpStatusCode.OK, await rightAccount.Content.ReadAsStringAsync());
        }

        var erinInAcme = await SwitchAsync(client, erin, acme);
        (await MeAsync(client, erinInAcme.Text("accessToken"))).Text("id").ShouldBe(erinId.ToString());

        // Escalation: a manager cannot invite an admin; an unknown role is a 400.
        using (var promote = await Send(client, HttpMethod.Patch, $"/api/v1/organizations/{acme}/members/{erinId}", inAcme, new { role = "manager" }))
        {
            promote.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var tooHigh = await Send(client, HttpMethod.Post, invitations, erinInAcme, new { email = "henry@example.com", role = "admin" }))
        {
            (await tooHigh.ShouldBeProblemAsync(403)).Text("code").ShouldBe("role_above_own");
        }

        using (var unknownRole = await Send(client, HttpMethod.Post, invitations, erinInAcme, new { email = "henry@example.com", role = "emperor" }))
        {
            (await unknownRole.ShouldBeProblemAsync(400)).Text("field").ShouldBe("role");
        }

        using (var badEmail = await Send(client, HttpMethod.Post, invitations, erinInAcme, new { email = "not-an-address" }))
        {
            (await badEmail.ShouldBeProblemAsync(400)).Text("field").ShouldBe("email");
        }

        // Expired: the clock passes the lifetime (7 days by default).
        await InviteAsync(client, inAcme, invitations, "ivan@example.com");
        var ivanToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);
        Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        using (var expired = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = ivanToken, password = Password }))
        {
            (await expired.ShouldBeProblemAsync(410)).Text("code").ShouldBe("invitation_expired");
        }

        _ = bobId;
    }

    [Fact]
    public async Task Two_owners_demoting_each_other_at_once_leave_one_owner()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        using var meBob = await client.SendAsync(Host.Authorized(HttpMethod.Get, "/api/v1/auth/me", bob.Text("accessToken")));
        var bobId = Guid.Parse((await meBob.ReadJsonAsync()).Text("id"));
        using var meAda = await client.SendAsync(Host.Authorized(HttpMethod.Get, "/api/v1/auth/me", ada.Text("accessToken")));
        var adaId = Guid.Parse((await meAda.ReadJsonAsync()).Text("id"));
        await ChangeRoleAsync(client, ada, bobId, "owner");

        var answers = await Task.WhenAll(
            DemoteAsync(ada, bobId),
            DemoteAsync(bob, adaId));
        answers.Count(s => s == HttpStatusCode.OK).ShouldBe(1, string.Join(", ", answers));

        var winner = answers[0] == HttpStatusCode.OK ? ada : bob;
        using var members = await Send(client, HttpMethod.Get, "/api/v1/organizations/~default/members", winner);
        (await members.ReadJsonAsync()).EnumerateArray().Count(m => m.Text("role") == "owner").ShouldBe(1);

        async Task<HttpStatusCode> DemoteAsync(JsonElement caller, Guid target)
        {
            await Task.Yield();
            using var response = await Send(client, HttpMethod.Patch, $"/api/v1/organizations/~default/members/{target}", caller, new { role = "member" });
            return response.StatusCode;
        }
    }

    protected async Task<JsonElement> SignUpAsync(HttpClient client, string email)
    {
        await Host.RegisterAsync(client, email, Password);
        return await Host.LoginAsync(client, email, Password);
    }

    protected HttpRequestMessage Request(HttpMethod method, string path, JsonElement tokens, object? body = null) =>
        Host.Authorized(method, path, tokens.Text("accessToken"), body);

    protected async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, JsonElement tokens, object? body = null)
    {
        using var request = Request(method, path, tokens, body);
        return await client.SendAsync(request);
    }

    protected async Task<string> CreateAsync(HttpClient client, JsonElement tokens, string name, string? slug = null)
    {
        using var response = await Send(client, HttpMethod.Post, "/api/v1/organizations", tokens, new { name, slug });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).Text("id");
    }

    protected async Task<JsonElement> SwitchAsync(HttpClient client, JsonElement tokens, string organizationId)
    {
        using var response = await Send(client, HttpMethod.Post, "/api/v1/auth/switch-organization", tokens, new { organizationId });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        return await response.ReadJsonAsync();
    }

    protected async Task<JsonElement> ChangeRoleAsync(HttpClient client, JsonElement tokens, Guid userId, string role, string organization = "~default")
    {
        using var response = await Send(client, HttpMethod.Patch, $"/api/v1/organizations/{organization}/members/{userId}", tokens, new { role });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private async Task<Guid> InviteAsync(HttpClient client, JsonElement tokens, string path, string email, string role = "member")
    {
        using var response = await Send(client, HttpMethod.Post, path, tokens, new { email, role });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return Guid.Parse((await response.ReadJsonAsync()).Text("id"));
    }

    private async Task<JsonElement> CreateProblemAsync(HttpClient client, JsonElement tokens, object body, int status)
    {
        using var response = await Send(client, HttpMethod.Post, "/api/v1/organizations", tokens, body);
        return await response.ShouldBeProblemAsync(status);
    }

    private async Task<List<JsonElement>> ListMineAsync(HttpClient client, JsonElement tokens)
    {
        using var response = await Send(client, HttpMethod.Get, "/api/v1/organizations", tokens);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadJsonAsync()).EnumerateArray()];
    }

    private async Task<List<(string Email, string Role)>> MembersAsync(HttpClient client, JsonElement tokens)
    {
        using var response = await Send(client, HttpMethod.Get, "/api/v1/organizations/~default/members", tokens);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadJsonAsync()).EnumerateArray().Select(m => (m.Text("email"), m.Text("role")))];
    }

    private async Task<JsonElement> MeAsync(HttpClient client, string accessToken)
    {
        using var response = await client.SendAsync(Host.Authorized(HttpMethod.Get, "/api/v1/auth/me", accessToken));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private async Task<Guid> UserIdAsync(HttpClient client, JsonElement tokens) => Guid.Parse((await MeAsync(client, tokens.Text("accessToken"))).Text("id"));

    private async Task<List<string>> ApiKeyNamesAsync(HttpClient client, JsonElement tokens)
    {
        using var response = await Send(client, HttpMethod.Get, "/api/v1/api-keys", tokens);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadJsonAsync()).EnumerateArray().Select(k => k.Text("name"))];
    }
}

/// <summary>The organisation flows on the sample host's default SQLite store.</summary>
public sealed class OrganizationOnSqliteTests : OrganizationTests
{
}

/// <summary>The organisation flows on PostgreSQL.</summary>
public sealed class OrganizationOnPostgresTests : OrganizationTests
{
    private readonly PostgresTestEngine _engine = new("fnd_orgs");
    private readonly TempDirectory _keys = new();

    protected override Task CreateDatabaseAsync() => _engine.CreateAsync();

    protected override async Task DropDatabaseAsync()
    {
        await _engine.DropAsync();
        _keys.Dispose();
    }

    protected override IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Foundation:Database:Provider"] = "PostgreSql",
        ["Foundation:Database:ConnectionString"] = _engine.ConnectionString,
        ["Foundation:DataProtection:KeysDirectory"] = _keys.Path,
    };

}

/// <summary>Keeps every e-mail "sent", so a test can read the invitation token the way the invitee would.</summary>
public sealed class CapturingEmailSender : IEmailSender
{
    private readonly List<EmailMessage> _messages = [];

    public IReadOnlyList<EmailMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }

        return Task.CompletedTask;
    }

    /// <summary>The 43-character token in an invitation e-mail (after "token " or "token=").</summary>
    public static string TokenIn(EmailMessage message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message.TextBody, "token[ =]([A-Za-z0-9_-]{43})");
        match.Success.ShouldBeTrue(message.TextBody);
        return match.Groups[1].Value;
    }
}
