using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Http;

/// <summary>Foundation.Audit over HTTP in a host that maps only <c>MapFoundationAuditApi()</c>: the package stands alone.</summary>
public abstract class AuditHttpTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : AuditTestDatabase
{
    protected string Tenant { get; } = AuditTestDatabase.NewTenant();
    private AuditTestHost _host = null!;

    protected TDatabase Database { get; } = database;

    protected string Admin => $"admin-1;{Tenant};admin";

    public async Task InitializeAsync()
    {
        _host = await AuditTestHost.StartAsync(Database);
        var writer = _host.App.Services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < 12; i++)
        {
            var failed = i % 4 == 0;
            await writer.WriteAsync(new AuditEvent(failed ? "auth.login.failed" : i % 4 == 1 ? "totp.enabled" : "auth.login", failed ? AuditOutcome.Failure : AuditOutcome.Success)
            {
                TenantId = Tenant,
                ActorUserId = i % 2 == 0 ? "u-alice" : "u-bob",
                TargetType = "user",
                TargetId = i == 3 ? "=HYPERLINK(\"http://evil\",\"x\")" : "u-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                IpAddress = "203.0.113.9",
                UserAgent = "Mozilla/5.0, \"quoted\"",
                Data = new Dictionary<string, string?> { ["reason"] = i == 5 ? "-2+3" : "ok" },
            });
        }

        await writer.WriteAsync(new AuditEvent("auth.login", AuditOutcome.Success) { TenantId = "other-" + Tenant, ActorUserId = "u-alice" });
        await _host.App.Services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Only_admins_read_the_audit_log()
    {
        (await Send("/api/v1/audit/events", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Send("/api/v1/audit/events", $"u-1;{Tenant};member")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Send("/api/v1/audit/verify", $"u-1;{Tenant};")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Send("/api/v1/audit/events/export", $"u-1;{Tenant};member")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Pages_walk_every_event_newest_first_without_repeats()
    {
        var seen = new List<long>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/api/v1/audit/events?limit=5" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token));
            var page = await ReadJson(await Send(url, Admin));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
            token = page.GetProperty("nextPageToken").GetString();
            pages++;
        }
        while (token is not null);

        pages.ShouldBe(3);
        seen.ShouldBe(Enumerable.Range(1, 12).Select(i => (long)i).Reverse());
    }

    [Fact]
    public async Task Filters_narrow_the_events_and_the_tenant_is_always_the_callers()
    {
        var failed = await ReadJson(await Send("/api/v1/audit/events?action=auth.login&outcome=failure", Admin));
        var items = failed.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(3);
        items.ShouldAllBe(e => e.GetProperty("action").GetString() == "auth.login.failed" && e.GetProperty("outcome").GetString() == "failure");

        var prefix = await ReadJson(await Send("/api/v1/audit/events?action=auth.", Admin));
        prefix.GetProperty("items").GetArrayLength().ShouldBe(9);

        var bob = await ReadJson(await Send("/api/v1/audit/events?actor=u-bob&targetType=user&targetId=u-5", Admin));
        bob.GetProperty("items").EnumerateArray().Single().GetProperty("targetId").GetString().ShouldBe("u-5");

        var future = await ReadJson(await Send("/api/v1/audit/events?from=2999-01-01T00:00:00Z", Admin));
        future.GetProperty("items").GetArrayLength().ShouldBe(0);

        var other = await ReadJson(await Send("/api/v1/audit/events", $"admin-2;other-{Tenant};admin"));
        other.GetProperty("items").EnumerateArray().Single().GetProperty("tenantId").GetString().ShouldBe("other-" + Tenant);
    }

    [Theory]
    [InlineData("/api/v1/audit/events?tenant=someone-else", "tenant")]
    [InlineData("/api/v1/audit/events?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "from")]
    [InlineData("/api/v1/audit/events?from=yesterday", "from")]
    [InlineData("/api/v1/audit/events?limit=0", "limit")]
    [InlineData("/api/v1/audit/events?limit=501", "limit")]
    [InlineData("/api/v1/audit/events?limit=ten", "limit")]
    [InlineData("/api/v1/audit/events?outcome=maybe", "outcome")]
    [InlineData("/api/v1/audit/events?pageToken=djEuazEuNS5mb3JnZWQ", "pageToken")]
    [InlineData("/api/v1/audit/events?pageToken=%25%25%25", "pageToken")]
    [InlineData("/api/v1/audit/events/export?format=xml", "format")]
    [InlineData("/api/v1/audit/events/export?limit=5", "limit")]
    [InlineData("/api/v1/audit/verify?tenant=x", "tenant")]
    public async Task Bad_input_is_a_400_naming_the_field(string url, string field)
    {
        var response = await Send(url, Admin);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await ReadJson(response);
        problem.GetProperty("field").GetString().ShouldBe(field);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_page_token_is_bound_to_its_tenant_and_filters()
    {
        var page = await ReadJson(await Send("/api/v1/audit/events?limit=2&actor=u-alice", Admin));
        var token = Uri.EscapeDataString(page.GetProperty("nextPageToken").GetString()!);
        (await Send($"/api/v1/audit/events?limit=2&actor=u-alice&pageToken={token}", Admin)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Send($"/api/v1/audit/events?limit=2&actor=u-bob&pageToken={token}", Admin)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Send($"/api/v1/audit/events?limit=2&actor=u-alice&pageToken={token}", $"admin-2;other-{Tenant};admin")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Change the position inside the token: the MAC no longer matches.
        var raw = System.Text.Encoding.ASCII.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(page.GetProperty("nextPageToken").GetString()!));
        var parts = raw.Split('.');
        parts[2] = "999";
        var forged = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Text.Encoding.ASCII.GetBytes(string.Join('.', parts)));
        (await Send($"/api/v1/audit/events?limit=2&actor=u-alice&pageToken={forged}", Admin)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Csv_export_is_formula_safe_and_rfc4180()
    {
        var response = await Send("/api/v1/audit/events/export?format=csv", Admin);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(13);
        lines[0].ShouldStartWith("seq,id,occurred_at,tenant_id,");
        csv.ShouldContain("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
        csv.ShouldContain("\"Mozilla/5.0, \"\"quoted\"\"\"");
        csv.ShouldNotContain(",=");
    }

    [Fact]
    public async Task Json_lines_export_verifies_with_the_documented_script_outside_the_app()
    {
        var response = await Send("/api/v1/audit/events/export?format=jsonl&", Admin);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(12);
        var verify = await ReadJson(await Send("/api/v1/audit/verify", Admin));
        var checkpoint = verify.GetProperty("latestCheckpoint").GetRawText();
        verify.GetProperty("latestCheckpoint").GetProperty("seq").GetInt64().ShouldBe(10);

        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, text);
            var (code, output) = await RunScriptAsync(path, "--checkpoint-key", "k1:" + AuditTestHost.SigningKey, "--signed-checkpoint", checkpoint);
            output.ShouldStartWith("OK: 12 events");
            code.ShouldBe(0);

            // The same export with one field edited fails, naming the event.
            var tampered = text.Replace("\"targetId\":\"u-5\"", "\"targetId\":\"u-55\"", StringComparison.Ordinal);
            tampered.ShouldNotBe(text);
            await File.WriteAllTextAsync(path, tampered);
            (code, output) = await RunScriptAsync(path);
            output.ShouldStartWith("FAIL: modified: #6");
            code.ShouldBe(1);

            // Cut the tail: the checkpoint kept outside catches it.
            await File.WriteAllLinesAsync(path, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(8));
            (code, output) = await RunScriptAsync(path, "--signed-checkpoint", checkpoint);
            output.ShouldStartWith("FAIL: truncated");
            code.ShouldBe(1);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Verify_reports_a_valid_chain_and_then_the_kind_of_break()
    {
        var ok = await ReadJson(await Send("/api/v1/audit/verify", Admin));
        ok.GetProperty("valid").GetBoolean().ShouldBeTrue();
        ok.GetProperty("lastSeq").GetInt64().ShouldBe(12);
        ok.GetProperty("checkpointsVerified").GetInt32().ShouldBe(2);
        ok.GetProperty("break").ValueKind.ShouldBe(JsonValueKind.Null);

        await using (var db = Database.CreateContext())
        {
            await DbQuery.RowsAsync(db, "UPDATE audit_events SET outcome = 'success' WHERE tenant_id = @p0 AND seq = 9", Tenant);
        }

        var broken = await ReadJson(await Send("/api/v1/audit/verify", Admin));
        broken.GetProperty("valid").GetBoolean().ShouldBeFalse();
        broken.GetProperty("break").GetProperty("kind").GetString().ShouldBe("modified");
        broken.GetProperty("break").GetProperty("seq").GetInt64().ShouldBe(9);
    }

    [Fact]
    public async Task A_legal_hold_is_placed_read_and_released_by_admins()
    {
        (await SendJson(HttpMethod.Put, "/api/v1/audit/legal-hold", $"u-1;{Tenant};member", "{\"reason\":\"x\"}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var missing = await SendJson(HttpMethod.Put, "/api/v1/audit/legal-hold", Admin, "{}");
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadJson(missing)).GetProperty("field").GetString().ShouldBe("reason");
        (await Send("/api/v1/audit/legal-hold", Admin)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var placed = await SendJson(HttpMethod.Put, "/api/v1/audit/legal-hold", Admin, "{\"reason\":\"case 17\"}");
        placed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var hold = await ReadJson(await Send("/api/v1/audit/legal-hold", Admin));
        hold.GetProperty("reason").GetString().ShouldBe("case 17");
        hold.GetProperty("placedBy").GetString().ShouldBe("admin-1");
        (await SendJson(HttpMethod.Delete, "/api/v1/audit/legal-hold", Admin, null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SendJson(HttpMethod.Delete, "/api/v1/audit/legal-hold", Admin, null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<HttpResponseMessage> SendJson(HttpMethod method, string url, string caller, string? json)
    {
        using var request = AuditTestHost.Get(url, caller);
        request.Method = method;
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await _host.Client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> Send(string url, string? caller) => await _host.Client.SendAsync(AuditTestHost.Get(url, caller));

    private static async Task<JsonElement> ReadJson(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode < 500).ShouldBeTrue(body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<(int Code, string Output)> RunScriptAsync(params string[] args)
    {
        var script = Path.Combine(RepoRoot(), "docs", "audit", "verify_audit_export.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + error);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Foundation.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Foundation.sln not found above the test output.");
    }
}

public sealed class SqliteAuditHttpTests(SqliteAuditDatabase database) : AuditHttpTests<SqliteAuditDatabase>(database);

public sealed class PostgresAuditHttpTests(PostgresAuditDatabase database) : AuditHttpTests<PostgresAuditDatabase>(database);
