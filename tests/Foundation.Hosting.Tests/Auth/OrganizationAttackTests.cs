using System.Net;
using System.Net.Http.Json;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>
/// The organisation flows tried as an attacker (issue 15): a removed member, a demoted admin, escalation through roles,
/// invitations and team roles, ids of another organisation in every route, invitation tokens raced and varied, and a
/// guest. Each test says what the attacker tries and proves it is refused with nothing written. Part of
/// <see cref="OrganizationTests"/>, so each runs on SQLite and on PostgreSQL.
/// </summary>
public abstract partial class OrganizationTests
{
    [Fact]
    public async Task A_removed_member_is_refused_in_the_organisation_with_the_old_token_the_refresh_token_the_api_key_and_a_switch_back()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var acme = await CreateAsync(client, ada, "Acme");
        var adaInAcme = await SwitchAsync(client, ada, acme);

        // Bob (an account of the default organisation) joins Acme as an admin and works there: an API key, the budgets, the flags, the files.
        var bobHome = await SignUpAsync(client, "bob@example.com");
        var bobId = await UserIdAsync(client, bobHome);
        await InviteAsync(client, adaInAcme, $"/api/v1/organizations/{acme}/invitations", "bob@example.com", role: "admin");
        using (var accept = await Send(client, HttpMethod.Post, "/api/v1/invitations/accept", bobHome, new { token = CapturingEmailSender.TokenIn(Mail.Messages[^1]) }))
        {
            accept.StatusCode.ShouldBe(HttpStatusCode.OK, await accept.Content.ReadAsStringAsync());
        }

        var bobInAcme = await SwitchAsync(client, await Host.LoginAsync(client, "bob@example.com", Password), acme);
        using var keyCreated = await Send(client, HttpMethod.Post, "/api/v1/api-keys", bobInAcme, new { name = "acme-ci" });
        keyCreated.StatusCode.ShouldBe(HttpStatusCode.Created, await keyCreated.Content.ReadAsStringAsync());
        var key = (await keyCreated.ReadJsonAsync()).Text("key");
        string[] acmeData = ["/api/v1/auth/me", "/api/v1/budgets", "/api/v1/feature-flags", "/api/v1/files", $"/api/v1/organizations/{acme}/members"];
        foreach (var path in acmeData)
        {
            (await StatusAsync(client, path, bobInAcme.Text("accessToken"))).ShouldBe(HttpStatusCode.OK, path);
        }

        (await KeyStatusAsync(client, "/api/v1/budgets", key)).ShouldBe(HttpStatusCode.OK, "an admin's key acts as an admin of Acme");

        using (var remove = await Send(client, HttpMethod.Delete, $"/api/v1/organizations/{acme}/members/{bobId}", adaInAcme))
        {
            remove.StatusCode.ShouldBe(HttpStatusCode.NoContent, await remove.Content.ReadAsStringAsync());
        }

        // At once on this instance (the caches are invalidated; other instances: within 1 s with Redis, 5 s without).
        foreach (var path in acmeData)
        {
            (await StatusAsync(client, path, bobInAcme.Text("accessToken"))).ShouldBe(HttpStatusCode.Unauthorized, path);
        }

        (await KeyStatusAsync(client, "/api/v1/auth/me", key)).ShouldBe(HttpStatusCode.Unauthorized, "a key made in Acme dies with the membership");
        using (var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = bobInAcme.Text("refreshToken") }))
        {
            refresh.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var back = await Send(client, HttpMethod.Post, "/api/v1/auth/switch-organization", bobHome, new { organizationId = acme }))
        {
            (await back.ShouldBeProblemAsync(404)).Text("code").ShouldBe("organization_not_found");
        }

        using (var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "bob@example.com", password = Password, tenant = acme }))
        {
            login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "nor can he sign in to Acme");
        }

        // His session in his own organisation is not collateral damage.
        (await MeAsync(client, bobHome.Text("accessToken"))).Text("tenantId").ShouldBe(string.Empty);
    }

    [Fact]
    public async Task A_demoted_admin_acts_with_the_new_role_through_the_old_token_the_refresh_and_the_api_key_made_as_admin()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var bobId = await UserIdAsync(client, bob);
        await ChangeRoleAsync(client, ada, bobId, "admin");
        using var keyCreated = await Send(client, HttpMethod.Post, "/api/v1/api-keys", bob, new { name = "made-as-admin" });
        keyCreated.StatusCode.ShouldBe(HttpStatusCode.Created, await keyCreated.Content.ReadAsStringAsync());
        var key = (await keyCreated.ReadJsonAsync()).Text("key");
        (await StatusAsync(client, "/api/v1/budgets", bob.Text("accessToken"))).ShouldBe(HttpStatusCode.OK);
        (await KeyStatusAsync(client, "/api/v1/budgets", key)).ShouldBe(HttpStatusCode.OK);

        foreach (var role in new[] { "member", "viewer", "guest" })
        {
            await ChangeRoleAsync(client, ada, bobId, role);
            (await StatusAsync(client, "/api/v1/budgets", bob.Text("accessToken"))).ShouldBe(HttpStatusCode.Forbidden, role);
            (await StatusAsync(client, "/api/v1/feature-flags", bob.Text("accessToken"))).ShouldBe(HttpStatusCode.Forbidden, role);
            (await KeyStatusAsync(client, "/api/v1/budgets", key)).ShouldBe(HttpStatusCode.Forbidden, $"a key has no role of its own: it acts as its owner now is ({role})");
            using var viaKey = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
            viaKey.Headers.TryAddWithoutValidation("X-API-Key", key);
            using var keyMe = await client.SendAsync(viaKey);
            (await keyMe.ReadJsonAsync()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe([role]);
        }

        using var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = bob.Text("refreshToken") });
        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var fresh = await refreshed.ReadJsonAsync();
        (await MeAsync(client, fresh.Text("accessToken"))).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["guest"]);
        (await StatusAsync(client, "/api/v1/budgets", fresh.Text("accessToken"))).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Invitations_sent_by_an_admin_who_is_then_demoted_or_removed_no_longer_grant_what_the_admin_lost()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var bobId = await UserIdAsync(client, bob);
        await ChangeRoleAsync(client, ada, bobId, "admin");
        const string Invitations = "/api/v1/organizations/~default/invitations";

        // Before being demoted, Bob invites an accomplice as admin and another as member.
        await InviteAsync(client, bob, Invitations, "eve@example.com", role: "admin");
        var eveToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);
        await InviteAsync(client, bob, Invitations, "frank@example.com", role: "member");
        var frankToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);

        // Demoted to manager: the admin invitation is beyond him now; the member one is not.
        await ChangeRoleAsync(client, ada, bobId, "manager");
        using (var eve = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = eveToken, password = Password }))
        {
            (await eve.ShouldBeProblemAsync(410)).Text("code").ShouldBe("invitation_revoked");
        }

        // Removed: nothing he sent lets anyone in any more.
        using (var remove = await Send(client, HttpMethod.Delete, $"/api/v1/organizations/~default/members/{bobId}", ada))
        {
            remove.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var frank = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = frankToken, password = Password }))
        {
            (await frank.ShouldBeProblemAsync(410)).Text("code").ShouldBe("invitation_revoked");
        }

        using var listed = await Send(client, HttpMethod.Get, Invitations, ada);
        (await listed.ReadJsonAsync()).EnumerateArray().Select(i => (i.Text("email"), i.Text("status")))
            .ShouldBe([("frank@example.com", "revoked"), ("eve@example.com", "revoked")], ignoreOrder: true);
        (await MembersAsync(client, ada)).Select(m => m.Email).ShouldBe(["ada@example.com"]);
    }

    [Fact]
    public async Task Nobody_is_raised_above_their_own_role_through_invitations_acceptance_team_roles_or_their_own_role()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var carol = await SignUpAsync(client, "carol@example.com");
        var mel = await SignUpAsync(client, "mel@example.com");
        var (bobId, carolId, melId) = (await UserIdAsync(client, bob), await UserIdAsync(client, carol), await UserIdAsync(client, mel));
        await ChangeRoleAsync(client, ada, bobId, "admin");
        await ChangeRoleAsync(client, ada, carolId, "manager");
        const string Org = "/api/v1/organizations/~default";

        // Invitations: a manager invites neither an owner nor an admin; an admin invites no owner.
        var mailsBefore = Mail.Messages.Count;
        foreach (var (caller, role) in new[] { (carol, "owner"), (carol, "admin"), (bob, "owner") })
        {
            using var tooHigh = await Send(client, HttpMethod.Post, $"{Org}/invitations", caller, new { email = "x@example.com", role });
            (await tooHigh.ShouldBeProblemAsync(403)).Text("code").ShouldBe("role_above_own", role);
        }

        Mail.Messages.Count.ShouldBe(mailsBefore, "nothing was sent");

        // Their own role: a manager may not change roles at all; an admin may not make himself owner.
        using (var self = await Send(client, HttpMethod.Patch, $"{Org}/members/{carolId}", carol, new { role = "admin" }))
        {
            (await self.ShouldBeProblemAsync(403)).Text("code").ShouldBe("forbidden");
        }

        using (var self = await Send(client, HttpMethod.Patch, $"{Org}/members/{bobId}", bob, new { role = "owner" }))
        {
            (await self.ShouldBeProblemAsync(403)).Text("code").ShouldBe("role_above_own");
        }

        // Acceptance: an admin invitation to Zed's address, then Zed joins by himself as a member; accepting does not raise him.
        await InviteAsync(client, ada, $"{Org}/invitations", "zed@example.com", role: "admin");
        var zedToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);
        var zed = await SignUpAsync(client, "zed@example.com");
        using (var signedIn = await Send(client, HttpMethod.Post, "/api/v1/invitations/accept", zed, new { token = zedToken }))
        {
            (await signedIn.ShouldBeProblemAsync(409)).Text("code").ShouldBe("already_member");
        }

        using (var anonymous = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = zedToken, password = Password }))
        {
            (await anonymous.ShouldBeProblemAsync(409)).Text("code").ShouldBe("account_exists");
        }

        (await MeAsync(client, zed.Text("accessToken"))).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["member"]);

        // Team roles: a plain member cannot make himself maintainer; a maintainer cannot pull in a user of another organisation.
        using var team = await Send(client, HttpMethod.Post, $"{Org}/teams", carol, new { name = "Research" });
        team.StatusCode.ShouldBe(HttpStatusCode.Created, await team.Content.ReadAsStringAsync());
        var teamId = (await team.ReadJsonAsync()).Text("id");
        using (var selfMaintainer = await Send(client, HttpMethod.Put, $"{Org}/teams/{teamId}/members/{melId}", mel, new { role = "maintainer" }))
        {
            (await selfMaintainer.ShouldBeProblemAsync(403)).Text("code").ShouldBe("forbidden");
        }

        using (var made = await Send(client, HttpMethod.Put, $"{Org}/teams/{teamId}/members/{melId}", carol, new { role = "maintainer" }))
        {
            made.StatusCode.ShouldBe(HttpStatusCode.OK, await made.Content.ReadAsStringAsync());
        }

        var olga = await SignUpAsync(client, "olga@example.com");
        var olgaId = await UserIdAsync(client, olga);
        await CreateAsync(client, olga, "Elsewhere");
        using (var leave = await Send(client, HttpMethod.Delete, $"{Org}/members/{olgaId}", olga))
        {
            leave.StatusCode.ShouldBe(HttpStatusCode.NoContent, "Olga now belongs to her own organisation only");
        }

        using (var outsider = await Send(client, HttpMethod.Put, $"{Org}/teams/{teamId}/members/{olgaId}", mel, new { role = "member" }))
        {
            (await outsider.ShouldBeProblemAsync(404)).Text("field").ShouldBe("userId");
        }

        using var teamMembers = await Send(client, HttpMethod.Get, $"{Org}/teams/{teamId}/members", ada);
        (await teamMembers.ReadJsonAsync()).EnumerateArray().Select(m => (m.Text("email"), m.Text("role"))).ShouldBe([("mel@example.com", "maintainer")]);
        (await MembersAsync(client, ada)).ShouldBe(
            [("ada@example.com", "owner"), ("bob@example.com", "admin"), ("carol@example.com", "manager"), ("mel@example.com", "member"), ("zed@example.com", "member")]);
    }

    [Fact]
    public async Task Ids_of_another_organisation_are_not_found_in_any_organisation_route_and_nothing_is_written()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var bob = await SignUpAsync(client, "bob@example.com");
        var bobId = await UserIdAsync(client, bob);
        var acme = await CreateAsync(client, ada, "Acme");
        var adaInAcme = await SwitchAsync(client, ada, acme);
        var victim = $"/api/v1/organizations/{acme}";
        await InviteAsync(client, adaInAcme, $"{victim}/invitations", "bob@example.com");
        using (var joined = await Send(client, HttpMethod.Post, "/api/v1/invitations/accept", bob, new { token = CapturingEmailSender.TokenIn(Mail.Messages[^1]) }))
        {
            joined.StatusCode.ShouldBe(HttpStatusCode.OK, await joined.Content.ReadAsStringAsync());
        }

        using var victimTeam = await Send(client, HttpMethod.Post, $"{victim}/teams", adaInAcme, new { name = "Core" });
        var victimTeamId = (await victimTeam.ReadJsonAsync()).Text("id");
        var victimInvitation = await InviteAsync(client, adaInAcme, $"{victim}/invitations", "pending@example.com");
        var pendingToken = CapturingEmailSender.TokenIn(Mail.Messages[^1]);

        // Mallory owns an organisation of her own and uses the victim's ids in its routes, and the victim's in her own session.
        var mallory = await SignUpAsync(client, "mallory@example.com");
        var evil = await CreateAsync(client, mallory, "Evil");
        var malloryInEvil = await SwitchAsync(client, mallory, evil);
        using var evilTeam = await Send(client, HttpMethod.Post, $"/api/v1/organizations/{evil}/teams", malloryInEvil, new { name = "Ops" });
        var evilTeamId = (await evilTeam.ReadJsonAsync()).Text("id");
        var own = $"/api/v1/organizations/{evil}";
        var attempts = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Patch, $"{own}/members/{bobId}", new { role = "guest" }),
            (HttpMethod.Delete, $"{own}/members/{bobId}", null),
            (HttpMethod.Get, $"{own}/teams/{victimTeamId}/members", null),
            (HttpMethod.Patch, $"{own}/teams/{victimTeamId}", new { name = "Pwned" }),
            (HttpMethod.Delete, $"{own}/teams/{victimTeamId}", null),
            (HttpMethod.Put, $"{own}/teams/{victimTeamId}/members/{bobId}", new { role = "member" }),
            (HttpMethod.Delete, $"{own}/teams/{victimTeamId}/members/{bobId}", null),
            (HttpMethod.Put, $"{own}/teams/{evilTeamId}/members/{bobId}", new { role = "member" }),
            (HttpMethod.Post, $"{own}/invitations/{victimInvitation}/resend", null),
            (HttpMethod.Delete, $"{own}/invitations/{victimInvitation}", null),
            (HttpMethod.Get, victim, null),
            (HttpMethod.Get, $"{victim}/members", null),
            (HttpMethod.Patch, $"{victim}/members/{bobId}", new { role = "guest" }),
            (HttpMethod.Get, $"{victim}/teams", null),
            (HttpMethod.Get, $"{victim}/teams/{victimTeamId}/members", null),
            (HttpMethod.Get, $"{victim}/invitations", null),
            (HttpMethod.Post, $"{victim}/invitations", new { email = "spy@example.com", role = "admin" }),
            (HttpMethod.Delete, $"{victim}/invitations/{victimInvitation}", null),
        };
        var mailsBefore = Mail.Messages.Count;
        foreach (var (method, path, body) in attempts)
        {
            using var response = await Send(client, method, path, malloryInEvil, body);
            await response.ShouldBeProblemAsync(404);
        }

        using (var foreignTeam = await Send(client, HttpMethod.Post, $"{own}/invitations", malloryInEvil, new { email = "x@example.com", teamIds = new[] { victimTeamId } }))
        {
            (await foreignTeam.ShouldBeProblemAsync(400)).Text("field").ShouldBe("teamIds");
        }

        // Nothing of the victim's changed, and no mail went out.
        Mail.Messages.Count.ShouldBe(mailsBefore);
        using (var members = await Send(client, HttpMethod.Get, $"{victim}/members", adaInAcme))
        {
            (await members.ReadJsonAsync()).EnumerateArray().Select(m => (m.Text("email"), m.Text("role")))
                .ShouldBe([("ada@example.com", "owner"), ("bob@example.com", "member")]);
        }

        using (var teams = await Send(client, HttpMethod.Get, $"{victim}/teams", adaInAcme))
        {
            (await teams.ReadJsonAsync()).EnumerateArray().Select(t => (t.Text("name"), t.GetProperty("memberCount").GetInt32())).ShouldBe([("Core", 0)]);
        }

        using (var invitations = await Send(client, HttpMethod.Get, $"{victim}/invitations", adaInAcme))
        {
            (await invitations.ReadJsonAsync()).EnumerateArray().Single(i => i.Text("email") == "pending@example.com").Text("status").ShouldBe("pending");
        }

        // The victim's invitation token still works for its invitee, and only joins the victim's organisation.
        using var accepted = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = pendingToken, password = Password });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        (await accepted.ReadJsonAsync()).Text("organizationId").ShouldBe(acme);
    }

    [Fact]
    public async Task An_invitation_token_accepted_twice_at_once_lets_one_in_and_the_address_matches_whatever_its_case_or_spaces()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        const string Invitations = "/api/v1/organizations/~default/invitations";

        await InviteAsync(client, ada, Invitations, "  Dan@Example.COM ");
        var token = CapturingEmailSender.TokenIn(Mail.Messages[^1]);
        Mail.Messages[^1].To.ShouldContain("Dan@Example.COM");
        var answers = await Task.WhenAll(AcceptAsync(), AcceptAsync(), AcceptAsync());
        answers.Count(s => s == HttpStatusCode.Created).ShouldBe(1, string.Join(", ", answers));
        answers.Count(s => s == HttpStatusCode.Conflict).ShouldBe(2, string.Join(", ", answers));
        (await MembersAsync(client, ada)).Count(m => m.Email.Equals("dan@example.com", StringComparison.OrdinalIgnoreCase)).ShouldBe(1);
        await Host.LoginAsync(client, "dan@example.com", Password);

        // A re-invitation in another case is the same address: refused as a member already; one for an existing account in
        // another case is accepted by that account signed in.
        using (var again = await Send(client, HttpMethod.Post, Invitations, ada, new { email = "DAN@example.com " }))
        {
            (await again.ShouldBeProblemAsync(409)).Text("code").ShouldBe("already_member");
        }

        var erin = await SignUpAsync(client, "erin@example.com");
        var other = await CreateAsync(client, ada, "Other");
        var adaInOther = await SwitchAsync(client, ada, other);
        await InviteAsync(client, adaInOther, $"/api/v1/organizations/{other}/invitations", " ERIN@EXAMPLE.com");
        using var erinAccepts = await Send(client, HttpMethod.Post, "/api/v1/invitations/accept", erin, new { token = CapturingEmailSender.TokenIn(Mail.Messages[^1]) });
        erinAccepts.StatusCode.ShouldBe(HttpStatusCode.OK, await erinAccepts.Content.ReadAsStringAsync());

        async Task<HttpStatusCode> AcceptAsync()
        {
            await Task.Yield();
            using var response = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = Password });
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task A_guest_reaches_only_what_is_shared_with_guests()
    {
        using var client = Host.CreateClient();
        var ada = await SignUpAsync(client, "ada@example.com");
        var gus = await SignUpAsync(client, "gus@example.com");
        var gusId = await UserIdAsync(client, gus);
        await ChangeRoleAsync(client, ada, gusId, "guest");
        const string Org = "/api/v1/organizations/~default";

        // The organisation's files, members, teams, budgets and flags are not shared with guests.
        foreach (var path in new[] { "/api/v1/files", $"{Org}/members", $"{Org}/teams", $"{Org}/invitations", "/api/v1/budgets", "/api/v1/feature-flags" })
        {
            (await StatusAsync(client, path, gus.Text("accessToken"))).ShouldBe(HttpStatusCode.Forbidden, path);
        }

        // What is about the guest: their account, their organisations, their evaluated flags.
        foreach (var path in new[] { "/api/v1/auth/me", "/api/v1/organizations", Org, "/api/v1/features" })
        {
            (await StatusAsync(client, path, gus.Text("accessToken"))).ShouldBe(HttpStatusCode.OK, path);
        }

        (await StatusAsync(client, "/api/v1/files", ada.Text("accessToken"))).ShouldBe(HttpStatusCode.OK, "the owner still reaches the files");
    }

    private async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, string accessToken)
    {
        using var response = await client.SendAsync(Host.Authorized(HttpMethod.Get, path, accessToken));
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> KeyStatusAsync(HttpClient client, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("X-API-Key", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
