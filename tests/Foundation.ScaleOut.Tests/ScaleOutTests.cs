using System.Net;
using System.Net.Http.Json;
using Foundation.ScaleOut.Tests.Infrastructure;
using OtpNet;
using Xunit.Abstractions;
using static Foundation.ScaleOut.Tests.Infrastructure.Api;

namespace Foundation.ScaleOut.Tests;

/// <summary>
/// Issue 16 item 3: three sample processes with separate data directories on one PostgreSQL database, behind nginx, behave as one
/// application. "Through one" means straight to that instance; the rest goes through the load balancer.
/// </summary>
[Collection(ScaleOutClusters.Name)]
public sealed class ScaleOutTests(ScaleOutCluster cluster, ITestOutputHelper output) : IClassFixture<ScaleOutCluster>
{
    private SampleProcess A => cluster.Instances[0];

    private SampleProcess B => cluster.Instances[1];

    private SampleProcess C => cluster.Instances[2];

    [Fact]
    public async Task Registered_through_one_logged_in_through_another_refreshed_through_the_third_and_every_token_works_everywhere()
    {
        await cluster.EnsureRunningAsync();
        var tenant = NewTenant();
        await RegisterAsync(A.Client, "ada@example.com", tenant);
        var login = await LoginAsync(B.Client, "ada@example.com", tenant);

        using var refresh = await C.Client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.Text("refreshToken") });
        var refreshed = await ExpectAsync(refresh, HttpStatusCode.OK);
        refreshed.Text("refreshToken").ShouldNotBe(login.Text("refreshToken"));

        foreach (var token in new[] { login.Text("accessToken"), refreshed.Text("accessToken") })
        {
            foreach (var instance in cluster.Instances)
            {
                using var me = await instance.Client.SendAsync(Authorized(HttpMethod.Get, "/api/v1/auth/me", token));
                (await ExpectAsync(me, HttpStatusCode.OK)).Text("email").ShouldBe("ada@example.com");
            }
        }

        // The issue's 500: a token signed by one instance used for a secret on another (one key ring, in the database: decision 0013).
        using var setup = await A.Client.SendAsync(Authorized(HttpMethod.Post, "/api/v1/totp/setup", refreshed.Text("accessToken")));
        (await ExpectAsync(setup, HttpStatusCode.OK)).Text("secret").ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Totp_enrolled_through_one_is_verified_through_another_and_its_code_replayed_through_the_third_is_refused()
    {
        await cluster.EnsureRunningAsync();
        var tenant = NewTenant();
        var token = await OwnerAsync(A.Client, "grace@example.com", tenant);

        using var setup = await A.Client.SendAsync(Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        var totp = new Totp(Base32Encoding.ToBytes((await ExpectAsync(setup, HttpStatusCode.OK)).Text("secret")));
        using (var enable = await B.Client.SendAsync(Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = totp.ComputeTotp(DateTime.UtcNow) })))
        {
            (await ExpectAsync(enable, HttpStatusCode.OK)).GetProperty("recoveryCodes").GetArrayLength().ShouldBeGreaterThan(0);
        }

        // The next step's code: the enabling one is spent, and the window (one step either side) accepts the next.
        var code = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        var challenge = await LoginAsync(C.Client, "grace@example.com", tenant);
        challenge.GetProperty("secondFactorRequired").GetBoolean().ShouldBeTrue();
        using (var verified = await A.Client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = challenge.Text("challengeToken"), code }))
        {
            (await ExpectAsync(verified, HttpStatusCode.OK)).Text("accessToken").ShouldNotBeNullOrEmpty();
        }

        var again = await LoginAsync(B.Client, "grace@example.com", tenant);
        using var replayed = await C.Client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = again.Text("challengeToken"), code });
        (await ExpectAsync(replayed, HttpStatusCode.Unauthorized)).Text("reason").ShouldBe("replayed");
    }

    [Fact]
    public async Task A_provider_key_stored_through_one_is_used_by_the_others()
    {
        await cluster.EnsureRunningAsync();
        var tenant = NewTenant();
        var owner = await OwnerAsync(A.Client, "linus@example.com", tenant);
        var ownKey = "sk-user-" + Guid.NewGuid().ToString("N");
        using (var created = await A.Client.SendAsync(Authorized(HttpMethod.Post, "/api/v1/provider-keys", owner,
                   new { provider = "custom", name = "upstream", apiKey = ownKey, baseUrl = cluster.Upstream.BaseUrl.AbsoluteUri })))
        {
            (await ExpectAsync(created, HttpStatusCode.Created)).Text("keyHint").ShouldNotContain(ownKey);
        }

        var (_, apiKey) = await ApiKeyAsync(A.Client, owner, "byok");
        var marker = "byok-" + Guid.NewGuid().ToString("N");
        foreach (var instance in new[] { B, C })
        {
            using var chat = await instance.Client.SendAsync(Chat(apiKey, marker));
            await ExpectAsync(chat, HttpStatusCode.OK);
        }

        var calls = cluster.Upstream.Calls.Where(c => c.Prompt.Contains(marker, StringComparison.Ordinal)).ToList();
        calls.Count.ShouldBe(2);
        calls.ShouldAllBe(c => c.Authorization == "Bearer " + ownKey, "the key stored through A was decrypted by B and C (one key ring)");

        // Another tenant's caller, with no key of their own, is served with the operator's key: the assertion above can fail.
        var other = await OwnerAsync(B.Client, "other@example.com", NewTenant());
        var (_, otherKey) = await ApiKeyAsync(B.Client, other, "plain");
        var plain = "plain-" + Guid.NewGuid().ToString("N");
        using (var chat = await C.Client.SendAsync(Chat(otherKey, plain)))
        {
            await ExpectAsync(chat, HttpStatusCode.OK);
        }

        cluster.Upstream.Calls.Single(c => c.Prompt.Contains(plain, StringComparison.Ordinal)).Authorization.ShouldBe("Bearer " + ScaleOutCluster.OperatorKey);
    }

    [Fact]
    public async Task A_budget_for_50_calls_admits_exactly_50_of_200_concurrent_calls_spread_over_the_three()
    {
        await cluster.EnsureRunningAsync();
        const int Calls = 200;
        const int Affordable = 50;
        var tenant = NewTenant();
        var owner = await OwnerAsync(cluster.Client, "budget@example.com", tenant);
        var (_, key) = await ApiKeyAsync(cluster.Client, owner, "load");
        string budgetId;
        using (var budget = await cluster.Client.SendAsync(Authorized(HttpMethod.Post, "/api/v1/budgets", owner,
                   new { name = "fifty calls", scope = "tenant", period = "day", limitUsd = CallCostUsd * Affordable, hardLimit = true })))
        {
            budgetId = (await ExpectAsync(budget, HttpStatusCode.Created)).Text("id");
        }

        var marker = "budget-" + Guid.NewGuid().ToString("N");
        using var start = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, Calls).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await cluster.Client.SendAsync(Chat(key, marker));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), ServedBy: ServedBy(response));
        }).ToList();
        start.Release(Calls);
        var results = await Task.WhenAll(calls);

        var unexpected = results.Where(r => r.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.PaymentRequired)).ToList();
        unexpected.ShouldBeEmpty(string.Join("\n", unexpected.Take(5).Select(r => $"{(int)r.StatusCode} from {r.ServedBy}: {r.Body}")) + "\n" + cluster.Diagnostics());
        results.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(Affordable);
        results.Where(r => r.StatusCode == HttpStatusCode.PaymentRequired).ShouldAllBe(r => r.Body.Contains("budget_exceeded"));
        results.Select(r => r.ServedBy).Distinct().Count().ShouldBe(3, "nginx spread the calls over the three instances");
        var admittedBy = results.Where(r => r.StatusCode == HttpStatusCode.OK).GroupBy(r => r.ServedBy).ToDictionary(g => g.Key!, g => g.Count());
        output.WriteLine($"admitted per instance: {string.Join(", ", admittedBy.Select(p => $"{p.Key}={p.Value}"))}");
        cluster.Upstream.CountFor(marker).ShouldBe(Affordable, "a refused call never reaches the provider");

        // Spend is written in batches (decision 0012): within a few flush intervals it is exactly the 50 calls.
        var limitNanos = CallCostNanos * Affordable;
        var spent = await PollAsync(() => cluster.ScalarAsync<long>(
            "SELECT COALESCE(SUM(spent_cost_nanos), 0) FROM costing_budget_usage WHERE budget_id = @b", ("b", Guid.Parse(budgetId))), s => s == limitNanos);
        spent.ShouldBe(limitNanos);
        var metered = await PollAsync(() => cluster.ScalarAsync<long>(
            "SELECT COUNT(*) FROM costing_ledger WHERE tenant_id = @t AND total_tokens > 0", ("t", tenant)), n => n == Affordable);
        metered.ShouldBe(Affordable, "every admitted call is in the ledger, once");
    }

    [Fact]
    public async Task An_instance_killed_mid_load_fails_only_its_own_requests_loses_no_record_of_the_others_and_its_slices_are_reclaimed()
    {
        await cluster.EnsureRunningAsync();
        var victim = B;
        var tenant = NewTenant();
        var owner = await OwnerAsync(cluster.Client, "crash@example.com", tenant);
        var (_, chatKey) = await ApiKeyAsync(cluster.Client, owner, "load");
        string budgetId;
        using (var budget = await cluster.Client.SendAsync(Authorized(HttpMethod.Post, "/api/v1/budgets", owner,
                   new { name = "roomy", scope = "tenant", period = "day", limitUsd = CallCostUsd * 100_000, hardLimit = true })))
        {
            budgetId = (await ExpectAsync(budget, HttpStatusCode.Created)).Text("id");
        }

        // Keys the toggling workers deactivate and activate: each answer is an audit event carrying the request's id.
        var toggled = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            toggled.Add((await ApiKeyAsync(cluster.Client, owner, "toggled " + i)).Id);
        }

        cluster.Upstream.Delay = TimeSpan.FromMilliseconds(20); // calls stay in flight long enough to be cut by the kill
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<Outcome>();
        var servedBefore = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        long killedAt = long.MaxValue;
        long exitedAt = long.MaxValue;
        var afterKill = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var marker = "crash-" + Guid.NewGuid().ToString("N");

        async Task WorkAsync(Func<int, string, HttpRequestMessage> request, string kind)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var id = $"{kind}-{Guid.NewGuid():N}";
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    using var response = await cluster.Client.SendAsync(request(n, id), stop.Token);
                    var served = ServedBy(response);
                    outcomes.Enqueue(new Outcome(kind, id, started, (int)response.StatusCode, served, response.Headers.TryGetValues(NginxBalancer.UpstreamHeader, out var all) ? all.Single() : null, null));
                    if (started > Volatile.Read(ref killedAt))
                    {
                        Interlocked.Increment(ref afterKill);
                    }
                    else if (response.IsSuccessStatusCode && served is not null)
                    {
                        servedBefore.AddOrUpdate(served, 1, (_, c) => c + 1);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException ex)
                {
                    outcomes.Enqueue(new Outcome(kind, id, started, 0, null, null, ex.Message));
                }
            }
        }

        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(() => WorkAsync((_, id) => Chat(chatKey, marker, id), "chat")))
            .Concat(toggled.Select(key => Task.Run(() => WorkAsync((n, id) =>
                Authorized(HttpMethod.Post, $"/api/v1/api-keys/{key}/{(n % 2 == 0 ? "deactivate" : "activate")}", owner, requestId: id), "toggle"))))
            .ToList();
        int victimPid;
        long victimLeases;
        try
        {
            // Mid-load: every instance has answered, and the victim holds a slice of the budget.
            await PollAsync(() => Task.FromResult(cluster.Instances.All(i => servedBefore.GetValueOrDefault(i.Address) >= 20)), ok => ok, 30);
            cluster.Instances.ShouldAllBe(i => servedBefore.GetValueOrDefault(i.Address) >= 20, "the load reached every instance before the kill\n" + cluster.Diagnostics());
            victimPid = victim.ProcessId;
            victimLeases = await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM costing_budget_leases WHERE budget_id = @b AND holder LIKE @h",
                ("b", Guid.Parse(budgetId)), ("h", $"%/{victimPid}/%"));
            Volatile.Write(ref killedAt, System.Diagnostics.Stopwatch.GetTimestamp());
            victim.Kill();
            exitedAt = System.Diagnostics.Stopwatch.GetTimestamp();

            await PollAsync(() => Task.FromResult(Volatile.Read(ref afterKill)), n => n >= 200, 30);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            cluster.Upstream.Delay = TimeSpan.Zero;
        }

        var all = outcomes.ToList();
        var failed = all.Where(o => o.Status is < 200 or > 299).ToList();
        output.WriteLine($"{all.Count} requests, {all.Count(o => o.Started > killedAt)} started after SIGKILL, {failed.Count} failed; " +
            $"the victim took {System.Diagnostics.Stopwatch.GetElapsedTime(killedAt, exitedAt).TotalMilliseconds:F0} ms to exit and held {victimLeases} lease(s)");
        afterKill.ShouldBeGreaterThanOrEqualTo(200, "the load went on after the kill\n" + cluster.Diagnostics());
        victimLeases.ShouldBeGreaterThan(0, "the victim held a slice when it was killed");

        // Only requests nginx had passed to the victim fail: POSTs it was answering, or whose connection it had accepted (the kernel
        // completes handshakes on its listening socket until the dying process's files are closed), are not replayed elsewhere (not
        // idempotent): 502. Every request served by another instance, and every request started once the victim was gone, succeeded.
        failed.ShouldAllBe(o => o.Status == 502 && o.Upstreams == victim.Address && o.Started < exitedAt,
            string.Join("\n", failed.Take(10).Select(o => o.ToString())));

        // No record of a request a live instance completed is lost: its ledger row (chat) or audit event (toggle) is written.
        var survivors = all.Where(o => o.Status is >= 200 and <= 299 && o.ServedBy != victim.Address).ToList();
        var chats = survivors.Where(o => o.Kind == "chat").Select(o => o.RequestId).ToHashSet();
        var toggles = survivors.Where(o => o.Kind == "toggle").Select(o => o.RequestId).ToHashSet();
        var ledger = await PollAsync(async () => (await cluster.StringsAsync("SELECT request_id FROM costing_ledger WHERE tenant_id = @t AND request_id IS NOT NULL", ("t", tenant))).ToHashSet(),
            ids => chats.IsSubsetOf(ids));
        chats.Except(ledger).ShouldBeEmpty("chat calls answered by live instances without a ledger row");
        var audit = await PollAsync(async () => (await cluster.StringsAsync("SELECT request_id FROM audit_events WHERE tenant_id = @t AND request_id IS NOT NULL", ("t", tenant))).ToHashSet(),
            ids => toggles.IsSubsetOf(ids));
        toggles.Except(audit).ShouldBeEmpty("key toggles answered by live instances without an audit event");
        var victimDone = all.Where(o => o.Status is >= 200 and <= 299 && o.ServedBy == victim.Address).ToList();
        output.WriteLine($"the victim completed {victimDone.Count} requests before it died; records of {victimDone.Count(o => !ledger.Contains(o.RequestId) && !audit.Contains(o.RequestId))} " +
            "were still in its memory (the bound of decision 0012: what had not been written when the process died)");

        // The victim's slices expire (TTL 4 s) and a live instance's reclaimer returns them; what remains leased is exactly the live leases.
        var left = await PollAsync(() => cluster.ScalarAsync<long>("SELECT COUNT(*) FROM costing_budget_leases WHERE holder LIKE @h", ("h", $"%/{victimPid}/%")), n => n == 0);
        left.ShouldBe(0, "the killed instance's leases were reclaimed\n" + cluster.Diagnostics());
        var drift = await cluster.ScalarAsync<long>(
            """
            SELECT COALESCE(SUM(u.leased_cost_nanos - (SELECT COALESCE(SUM(l.cost_nanos), 0) FROM costing_budget_leases l
                WHERE l.budget_id = u.budget_id AND l.subject = u.subject AND l.period_start = u.period_start)), 0)
            FROM costing_budget_usage u WHERE u.budget_id = @b
            """, ("b", Guid.Parse(budgetId)));
        drift.ShouldBe(0, "leased on the budget equals the sum of the remaining (live) lease rows");

        // Three writers appended to one tenant's audit chain while one of them died mid-append: the chain still verifies.
        using var verify = await cluster.Client.SendAsync(Authorized(HttpMethod.Get, "/api/v1/audit/verify", owner));
        (await ExpectAsync(verify, HttpStatusCode.OK)).GetProperty("valid").GetBoolean().ShouldBeTrue();

        await ScaleOutCluster.RestartAsync(victim);
    }

    private sealed record Outcome(string Kind, string RequestId, long Started, int Status, string? ServedBy, string? Upstreams, string? Error);

    internal const decimal CallCostUsd = (FakeUpstream.PromptTokens * ScaleOutCluster.InputPerMillion + FakeUpstream.CompletionTokens * ScaleOutCluster.OutputPerMillion) / 1_000_000m;

    internal const long CallCostNanos = (long)(CallCostUsd * 1_000_000_000m);

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> or 20 seconds pass; answers the last value read.</summary>
    internal static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
