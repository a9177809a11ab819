using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Audit.Tests.Http;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Foundation.PersonalData;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Foundation.Audit.Tests.PersonalData;

/// <summary>
/// The GDPR API in a host that maps only Foundation.Audit (<c>MapFoundationAuditApi()</c> and <c>MapFoundationGdprApi()</c>) and adds one
/// personal-data provider of its own (<see cref="HostNotesProvider"/>, the way a host covers the data it keeps itself).
/// </summary>
public abstract class GdprHttpTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : AuditTestDatabase
{
    private readonly string _tenant = AuditTestDatabase.NewTenant();
    private readonly string _otherTenant = AuditTestDatabase.NewTenant();
    private readonly HostNotesProvider _notes = new();
    private AuditTestHost _host = null!;

    protected TDatabase Database { get; } = database;

    private string Admin => $"admin-1;{_tenant};admin";

    private string OtherAdmin => $"admin-9;{_otherTenant};admin";

    public async Task InitializeAsync()
    {
        _host = await AuditTestHost.StartAsync(Database, app => app.MapFoundationGdprApi(),
            services => services.TryAddEnumerable(ServiceDescriptor.Singleton<IPersonalDataProvider>(_notes)));
        var writer = _host.App.Services.GetRequiredService<IAuditEventWriter>();
        foreach (var user in new[] { "u-alice", "u-bob" })
        {
            for (var i = 0; i < 3; i++)
            {
                await writer.WriteAsync(new AuditEvent("auth.login", AuditOutcome.Success)
                {
                    TenantId = _tenant, ActorUserId = user, TargetType = "user", TargetId = user, IpAddress = "203.0.113.7", UserAgent = "browser/" + user,
                    Data = new Dictionary<string, string?> { ["email"] = user + "@example.com" },
                });
            }
        }

        // A failed login names only its target: it is still the target's personal data.
        await writer.WriteAsync(new AuditEvent("auth.login.failed", AuditOutcome.Failure) { TenantId = _tenant, TargetType = "user", TargetId = "u-alice", IpAddress = "198.51.100.4" });
        _notes.Add(_tenant, "u-alice", "prefers dark mode");
        await FlushAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Export_gathers_every_section_decrypted_for_an_admin_of_the_users_tenant_only()
    {
        (await Send(HttpMethod.Get, "/api/v1/gdpr/export/u-alice", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Get, "/api/v1/gdpr/export/u-alice", $"u-bob;{_tenant};member")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Send(HttpMethod.Get, "/api/v1/gdpr/export/u-alice", OtherAdmin)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Send(HttpMethod.Get, "/api/v1/gdpr/export/u-nobody", Admin)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var export = await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/export/u-alice", Admin));
        export.GetProperty("userId").GetString().ShouldBe("u-alice");
        var sections = export.GetProperty("sections");
        sections.EnumerateObject().Select(p => p.Name).ShouldBe(["audit", "notes"]);
        var events = sections.GetProperty("audit").GetProperty("events").EnumerateArray().ToList();
        events.Count.ShouldBe(4);
        events.Where(e => e.GetProperty("action").GetString() == "auth.login").ShouldAllBe(e =>
            e.GetProperty("actorUserId").GetString() == "u-alice" && e.GetProperty("clientIp").GetString() == "203.0.113.7"
            && e.GetProperty("userAgent").GetString() == "browser/u-alice" && e.GetProperty("details").GetProperty("email").GetString() == "u-alice@example.com");
        events.Single(e => e.GetProperty("action").GetString() == "auth.login.failed").GetProperty("clientIp").GetString().ShouldBe("198.51.100.4");
        sections.GetProperty("notes").GetProperty("notes")[0].GetString().ShouldBe("prefers dark mode");

        // Stored, the personal fields are ciphertext; the audit API shows them decrypted to admins.
        await using (var db = Database.CreateContext())
        {
            var stored = await db.Events.AsNoTracking().Where(e => e.TenantId == _tenant && e.Action == "auth.login").ToListAsync();
            // enc2: details holds all four fields sealed as one value, the other columns the key's marker only.
            stored.ShouldAllBe(e => e.Details!.StartsWith("enc2:") && e.ActorUserId == e.Details!.Substring(0, 38) && e.ClientIp == e.ActorUserId
                && e.UserAgent == e.ActorUserId);
            stored.ShouldAllBe(e => !e.Details!.Contains("example.com"));
        }

        var page = await Json(await Send(HttpMethod.Get, "/api/v1/audit/events?actor=u-alice", Admin));
        page.GetProperty("items").GetArrayLength().ShouldBe(3);
        page.GetProperty("items").EnumerateArray().ShouldAllBe(e => e.GetProperty("clientIp").GetString() == "203.0.113.7" && !e.GetProperty("personalDataErased").GetBoolean());

        // The export is itself audited.
        await FlushAsync();
        var audited = await Json(await Send(HttpMethod.Get, "/api/v1/audit/events?action=gdpr.exported", Admin));
        audited.GetProperty("items")[0].GetProperty("targetId").GetString().ShouldBe("u-alice");
        audited.GetProperty("items")[0].GetProperty("actorUserId").GetString().ShouldBe("admin-1");
    }

    [Fact]
    public async Task An_erased_user_has_an_empty_export_unreadable_audit_fields_and_a_chain_that_still_verifies()
    {
        (await Send(HttpMethod.Post, "/api/v1/gdpr/erase/u-alice", OtherAdmin)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Send(HttpMethod.Post, "/api/v1/gdpr/erase/u-alice", $"u-bob;{_tenant};member")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await Send(HttpMethod.Post, "/api/v1/gdpr/consents/me", $"u-alice;{_tenant};member", new { purpose = "marketing.email", version = "3", granted = true });

        var report = await Json(await Send(HttpMethod.Post, "/api/v1/gdpr/erase/u-alice", Admin));
        report.GetProperty("sections").GetProperty("audit").GetProperty("anonymised").GetInt32().ShouldBe(4);
        report.GetProperty("sections").GetProperty("audit").GetProperty("deleted").GetInt32().ShouldBe(2); // the data key and the consent
        report.GetProperty("sections").GetProperty("notes").GetProperty("deleted").GetInt32().ShouldBe(1);
        await FlushAsync();

        var export = await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/export/u-alice", Admin));
        export.GetProperty("sections").EnumerateObject().ShouldBeEmpty();
        export.GetProperty("erasedAt").ValueKind.ShouldBe(JsonValueKind.String);
        (await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/consents/me", $"u-alice;{_tenant};member"))).GetProperty("history").GetArrayLength().ShouldBe(0);

        // Her events are still in the chain, their personal fields unreadable: no key decrypts them, the API shows null.
        var all = await Json(await Send(HttpMethod.Get, "/api/v1/audit/events?action=auth.login&limit=500", Admin));
        var items = all.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(7);
        var erased = items.Where(e => e.GetProperty("personalDataErased").GetBoolean()).ToList();
        erased.Count.ShouldBe(4);
        erased.ShouldAllBe(e => e.GetProperty("clientIp").ValueKind == JsonValueKind.Null && e.GetProperty("details").ValueKind == JsonValueKind.Null);
        items.Where(e => !e.GetProperty("personalDataErased").GetBoolean()).ShouldAllBe(e => e.GetProperty("actorUserId").GetString() == "u-bob");
        await using (var db = Database.CreateContext())
        {
            (await db.SubjectKeys.CountAsync(k => k.TenantId == _tenant && k.SubjectId == "u-alice")).ShouldBe(0);
            var csv = await (await Send(HttpMethod.Get, "/api/v1/audit/events/export?format=csv", Admin)).Content.ReadAsStringAsync();
            csv.ShouldNotContain("u-alice@example.com");
            csv.ShouldContain("u-bob@example.com");
        }

        var verify = await Json(await Send(HttpMethod.Get, "/api/v1/audit/verify", Admin));
        verify.GetProperty("valid").GetBoolean().ShouldBeTrue(verify.GetRawText());
        using (var scope = _host.App.Services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(_tenant);
            result.IsValid.ShouldBeTrue(result.Break?.Message);
            result.EventsVerified.ShouldBeGreaterThanOrEqualTo(8);
        }

        // Idempotent: a second erasure succeeds and finds nothing left; Bob is untouched.
        var again = await Json(await Send(HttpMethod.Post, "/api/v1/gdpr/erase/u-alice", Admin));
        again.GetProperty("sections").EnumerateObject().ShouldAllBe(s => s.Value.GetProperty("deleted").GetInt32() == 0 && s.Value.GetProperty("anonymised").GetInt32() == 0);
        again.GetProperty("completedAt").GetString().ShouldBe(report.GetProperty("completedAt").GetString());
        var bob = await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/export/me", $"u-bob;{_tenant};member"));
        bob.GetProperty("sections").GetProperty("audit").GetProperty("events").GetArrayLength().ShouldBe(3);

        await FlushAsync();
        var audited = await Json(await Send(HttpMethod.Get, "/api/v1/audit/events?action=gdpr.erased", Admin));
        audited.GetProperty("items").EnumerateArray().ShouldAllBe(e => e.GetProperty("targetId").GetString() == "u-alice" && e.GetProperty("outcome").GetString() == "success");
    }

    [Fact]
    public async Task Every_stored_event_seals_its_personal_fields_under_its_own_nonce_and_opens_with_the_documented_associated_data()
    {
        var protector = _host.App.Services.GetRequiredService<Foundation.Security.ISecretProtector>();
        await using var db = Database.CreateContext();
        var rows = await db.Events.AsNoTracking().Where(e => e.TenantId == _tenant && e.Action.StartsWith("auth.login")).ToListAsync();
        var keys = await db.SubjectKeys.AsNoTracking().Where(k => k.TenantId == _tenant).ToDictionaryAsync(k => k.Id.ToString("N"),
            k => Convert.FromBase64String(protector.Unprotect("Foundation.Audit.SubjectKey", k.ProtectedKey)));
        var nonces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            // Independently of the writer's code: details = enc2:<key id>:<base64url(nonce | ciphertext | tag)>, AAD "<event id N>|enc2",
            // plaintext the four fields length-prefixed ("<n>:<value>\n" or "~\n"); the other personal columns hold "enc2:<key id>:".
            var parts = row.Details!.Split(':');
            parts.Length.ShouldBe(3, row.Details);
            parts[0].ShouldBe("enc2");
            var marker = "enc2:" + parts[1] + ":";
            new[] { row.ActorUserId, row.ClientIp, row.UserAgent }.ShouldAllBe(v => v == null || v == marker);
            var sealedBytes = System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]);
            nonces.Add(Convert.ToHexString(sealedBytes, 0, 12)).ShouldBeTrue($"nonce reused in {row.Id}");
            var plain = new byte[sealedBytes.Length - 28];
            using var aes = new System.Security.Cryptography.AesGcm(keys[parts[1]], 16);
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length), plain,
                System.Text.Encoding.ASCII.GetBytes(row.Id.ToString("N") + "|enc2"));
            var fields = ParseFields(System.Text.Encoding.UTF8.GetString(plain));
            fields.Count.ShouldBe(4);
            fields[1].ShouldBeOneOf("203.0.113.7", "198.51.100.4");
            (fields[0] is null).ShouldBe(row.ActorUserId is null);
            (fields[2] is null).ShouldBe(row.UserAgent is null);
            if (fields[0] is { } actor)
            {
                fields[3].ShouldBe($"{{\"email\":\"{actor}@example.com\"}}");
            }

            // The same bytes under another event's associated data do not open.
            Should.Throw<System.Security.Cryptography.AuthenticationTagMismatchException>(() => aes.Decrypt(sealedBytes.AsSpan(0, 12),
                sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length), plain, System.Text.Encoding.ASCII.GetBytes(Guid.NewGuid().ToString("N") + "|enc2")));
        }

        rows.Count.ShouldBe(7); // six logins and the failed login (its client IP is its only personal field)
        nonces.Count.ShouldBe(7);

        static List<string?> ParseFields(string text)
        {
            var fields = new List<string?>();
            var at = 0;
            while (at < text.Length)
            {
                if (text[at] == '~')
                {
                    fields.Add(null);
                    at += 2;
                    continue;
                }

                var colon = text.IndexOf(':', at);
                var count = int.Parse(text[at..colon], System.Globalization.CultureInfo.InvariantCulture);
                fields.Add(text.Substring(colon + 1, count)); // ASCII here, so characters are bytes
                text[colon + 1 + count].ShouldBe('\n');
                at = colon + count + 2;
            }

            return fields;
        }
    }

    [Fact]
    public async Task Events_stored_in_the_earlier_enc1_format_still_read_and_are_shredded_by_an_erasure()
    {
        // A row as the writer stored it before enc2: each personal field sealed alone, AAD "<event id N>|<column>".
        var services = _host.App.Services;
        var legacyId = Guid.CreateVersion7();
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Foundation.Audit.Storage.AuditDbContext>();
            var subjectKeys = services.GetRequiredService<Foundation.Audit.PersonalData.AuditSubjectKeys>();
            var key = (await subjectKeys.GetOrCreateAsync(db, _tenant, ["u-alice"], CancellationToken.None))["u-alice"];
            using var aes = new System.Security.Cryptography.AesGcm(key.Key, 16);
            string Seal(string column, string value) => Foundation.Audit.PersonalData.AuditFieldCipher.Encrypt(aes, key.Id, legacyId, column, value);
            var row = new Foundation.Audit.Storage.AuditEventEntity
            {
                Id = legacyId, TenantId = _tenant, OccurredAt = Foundation.Audit.Chain.AuditCanonicalForm.ToMicroseconds(DateTimeOffset.UtcNow), ActorType = "user",
                Action = "auth.login", TargetType = "user", TargetId = "u-alice", Outcome = "success", Severity = "information",
                ActorUserId = Seal("actor_user_id", "u-alice"), ClientIp = Seal("client_ip", "192.0.2.1"), UserAgent = Seal("user_agent", "legacy/1"),
                Details = Seal("details", "{\"email\":\"old@example.com\"}"),
            };
            row.ClientIp.ShouldStartWith("enc1:");
            await services.GetRequiredService<Foundation.Audit.Chain.AuditAppender>().AppendAsync(db, [row], skipExisting: false, CancellationToken.None);
        }

        var page = await Json(await Send(HttpMethod.Get, "/api/v1/audit/events?actor=u-alice", Admin));
        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(4);
        var legacy = items.Single(e => e.GetProperty("id").GetGuid() == legacyId);
        legacy.GetProperty("actorUserId").GetString().ShouldBe("u-alice");
        legacy.GetProperty("clientIp").GetString().ShouldBe("192.0.2.1");
        legacy.GetProperty("userAgent").GetString().ShouldBe("legacy/1");
        legacy.GetProperty("details").GetString().ShouldBe("{\"email\":\"old@example.com\"}");
        legacy.GetProperty("personalDataErased").GetBoolean().ShouldBeFalse();

        var report = await Json(await Send(HttpMethod.Post, "/api/v1/gdpr/erase/u-alice", Admin));
        report.GetProperty("sections").GetProperty("audit").GetProperty("anonymised").GetInt32().ShouldBe(5); // four enc2 events and the enc1 one
        var all = await Json(await Send(HttpMethod.Get, "/api/v1/audit/events?action=auth.login&limit=500", Admin));
        var shredded = all.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == legacyId);
        shredded.GetProperty("personalDataErased").GetBoolean().ShouldBeTrue();
        shredded.GetProperty("clientIp").ValueKind.ShouldBe(JsonValueKind.Null);
        shredded.GetProperty("userAgent").ValueKind.ShouldBe(JsonValueKind.Null);
        using (var scope = services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(_tenant);
            result.IsValid.ShouldBeTrue(result.Break?.Message);
        }
    }

    [Fact]
    public async Task An_erasure_that_fails_in_one_provider_answers_503_naming_it_and_completes_when_repeated()
    {
        _notes.FailNextErase = true;
        var response = await Send(HttpMethod.Post, "/api/v1/gdpr/erase/u-alice", Admin);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var problem = await Json(response);
        problem.GetProperty("code").GetString().ShouldBe("personal_data_unavailable");
        problem.GetProperty("failed").EnumerateArray().Select(e => e.GetString()).ShouldBe(["notes"]);
        problem.GetProperty("completed").EnumerateArray().Select(e => e.GetString()).ShouldBe(["audit"]);
        problem.GetProperty("detail").GetString()!.ShouldContain("Repeat the request");

        // The audit section is already erased, the host's notes are not: the export says so, and the erasure is not complete.
        var partial = await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/export/u-alice", Admin));
        partial.GetProperty("sections").EnumerateObject().Select(p => p.Name).ShouldBe(["notes"]);
        partial.GetProperty("erasedAt").ValueKind.ShouldBe(JsonValueKind.Null);

        var retried = await Send(HttpMethod.Post, "/api/v1/gdpr/erase/u-alice", Admin);
        retried.StatusCode.ShouldBe(HttpStatusCode.OK);
        var export = await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/export/u-alice", Admin));
        export.GetProperty("sections").EnumerateObject().ShouldBeEmpty();
        export.GetProperty("erasedAt").ValueKind.ShouldBe(JsonValueKind.String);

        await FlushAsync();
        var outcomes = await Json(await Send(HttpMethod.Get, "/api/v1/audit/events?action=gdpr.erased", Admin));
        outcomes.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("outcome").GetString()).ShouldBe(["success", "failure"]);
    }

    [Fact]
    public async Task Consents_are_recorded_per_user_with_the_current_state_per_purpose_and_bad_input_names_the_field()
    {
        var alice = $"u-alice;{_tenant};member";
        (await Send(HttpMethod.Post, "/api/v1/gdpr/consents/me", alice, new { purpose = "marketing.email", version = "2026-12", granted = true })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Send(HttpMethod.Post, "/api/v1/gdpr/consents/me", alice, new { purpose = "analytics", version = "1", granted = true })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Send(HttpMethod.Post, "/api/v1/gdpr/consents/me", alice, new { purpose = "marketing.email", version = "2026-12", granted = false })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var state = await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/consents/me", alice));
        state.GetProperty("history").GetArrayLength().ShouldBe(3);
        var current = state.GetProperty("current").EnumerateArray().ToDictionary(c => c.GetProperty("purpose").GetString()!, c => c.GetProperty("granted").GetBoolean());
        current.ShouldBe(new Dictionary<string, bool> { ["analytics"] = true, ["marketing.email"] = false });
        (await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/consents/me", $"u-bob;{_tenant};member"))).GetProperty("history").GetArrayLength().ShouldBe(0);
        (await Json(await Send(HttpMethod.Get, "/api/v1/gdpr/consents/me", $"u-alice;{_otherTenant};member"))).GetProperty("history").GetArrayLength().ShouldBe(0);

        await ExpectField(new { version = "1", granted = true }, "purpose");
        await ExpectField(new { purpose = "Marketing Email", version = "1", granted = true }, "purpose");
        await ExpectField(new { purpose = "analytics", granted = true }, "version");
        await ExpectField(new { purpose = "analytics", version = new string('9', 40), granted = true }, "version");
        await ExpectField(new { purpose = "analytics", version = "1" }, "granted");
        (await Send(HttpMethod.Post, "/api/v1/gdpr/consents/me", null, new { purpose = "analytics", version = "1", granted = true })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        async Task ExpectField(object body, string field)
        {
            var response = await Send(HttpMethod.Post, "/api/v1/gdpr/consents/me", alice, body);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await Json(response)).GetProperty("field").GetString().ShouldBe(field);
        }
    }

    private async Task FlushAsync() => await _host.App.Services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? caller, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (caller is not null)
        {
            request.Headers.Add(Foundation.Testing.HeaderAuthenticationHandler.Header, caller);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await _host.Client.SendAsync(request);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBe(response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotFound), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

/// <summary>
/// A host's own personal data (notes it keeps about its users), covered by its own provider; it can be told to fail once, as a provider whose
/// database is briefly unreachable would.
/// </summary>
public sealed class HostNotesProvider : IPersonalDataProvider
{
    private readonly ConcurrentDictionary<(string Tenant, string User), List<string>> _notes = new();

    public bool FailNextErase { get; set; }

    public string Name => "notes";

    public void Add(string tenant, string user, string note) => _notes.GetOrAdd((tenant, user), _ => []).Add(note);

    public Task<JsonElement?> ExportAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default) =>
        Task.FromResult(_notes.TryGetValue((subject.TenantId, subject.UserId), out var notes)
            ? JsonSerializer.SerializeToElement(new { notes }) : (JsonElement?)null);

    public Task<PersonalDataErasure> EraseAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        if (FailNextErase)
        {
            FailNextErase = false;
            throw new IOException("The notes database is unreachable.");
        }

        return Task.FromResult(_notes.TryRemove((subject.TenantId, subject.UserId), out var notes) ? new PersonalDataErasure(notes.Count, 0) : PersonalDataErasure.Nothing);
    }
}

[Collection("gdpr")]
public sealed class SqliteGdprHttpTests(SqliteAuditDatabase database) : GdprHttpTests<SqliteAuditDatabase>(database);

[Collection("gdpr")]
public sealed class PostgresGdprHttpTests(PostgresAuditDatabase database) : GdprHttpTests<PostgresAuditDatabase>(database);
