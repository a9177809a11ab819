using System.Text;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Audit.Writing;
using Foundation.Auditing;

namespace Foundation.Audit.Tests.Chain;

public sealed class CanonicalFormTests
{
    private static AuditEventEntity Sample() => new()
    {
        Id = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        TenantId = "t-1",
        Seq = 1,
        OccurredAt = new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_560),
        ActorType = "user",
        ActorUserId = "u-1",
        Action = "auth.login",
        TargetType = "user",
        TargetId = "é",
        Outcome = "success",
        Severity = "information",
        ClientIp = "203.0.113.7",
        Details = "{\"k\":\"v\"}",
        PrevHash = AuditCanonicalForm.GenesisHash,
    };

    [Fact]
    public void Canonical_form_is_the_documented_length_prefixed_lines()
    {
        var text = Encoding.UTF8.GetString(AuditCanonicalForm.Event(Sample()));
        text.ShouldBe("25:foundation.audit.event.v1\n3:t-1\n1:1\n36:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\n27:2026-12-03T08:00:00.123456Z\n4:user\n3:u-1\n~\n"
            + "10:auth.login\n4:user\n2:é\n7:success\n11:information\n11:203.0.113.7\n~\n~\n9:{\"k\":\"v\"}\n64:" + new string('0', 64) + "\n");
    }

    [Fact]
    public void Hash_matches_the_vector_computed_outside_dotnet()
    {
        // Computed with Python's hashlib over the documented form (docs/audit.md), so the two implementations agree.
        AuditCanonicalForm.EventHash(Sample()).ShouldBe("4123772857394993af91096f3618130883df4fd9d1e40f23d3ed701a1ab44089");
    }

    [Fact]
    public void Every_field_changes_the_hash()
    {
        var baseline = AuditCanonicalForm.EventHash(Sample());
        var variants = new Action<AuditEventEntity>[]
        {
            e => e.TenantId = "t-2", e => e.Seq = 2, e => e.Id = Guid.CreateVersion7(), e => e.OccurredAt = e.OccurredAt.AddTicks(10),
            e => e.ActorType = "system", e => e.ActorUserId = null, e => e.ActorApiKeyId = "k", e => e.Action = "auth.logout", e => e.TargetType = null,
            e => e.TargetId = "e", e => e.Outcome = "failure", e => e.Severity = "warning", e => e.ClientIp = "203.0.113.8", e => e.UserAgent = "x",
            e => e.RequestId = "r", e => e.Details = "{}", e => e.PrevHash = new string('1', 64),
        };
        foreach (var change in variants)
        {
            var e = Sample();
            change(e);
            AuditCanonicalForm.EventHash(e).ShouldNotBe(baseline);
        }
    }

    [Fact]
    public void Null_and_empty_and_separator_like_values_do_not_collide()
    {
        var a = Sample();
        a.UserAgent = null;
        var b = Sample();
        b.UserAgent = "";
        var c = Sample();
        c.UserAgent = "~";
        var d = Sample();
        d.ClientIp = "203.0.113.7\n0:";
        new[] { a, b, c, d }.Select(AuditCanonicalForm.EventHash).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void Details_are_capped_and_marked()
    {
        var data = Enumerable.Range(0, 100).ToDictionary(i => "key" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), _ => (string?)new string('x', 50));
        var json = AuditEventMapper.Details(data, 1024)!;
        Encoding.UTF8.GetByteCount(json).ShouldBeLessThanOrEqualTo(1024);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        doc.RootElement.GetProperty("_truncated").GetString().ShouldBe("true");
        doc.RootElement.GetProperty("key000").GetString().ShouldBe(new string('x', 50));
        AuditEventMapper.Details(new Dictionary<string, string?> { ["b"] = "2", ["a"] = "1" }, 1024).ShouldBe("{\"a\":\"1\",\"b\":\"2\"}");
    }

    [Fact]
    public void Mapping_infers_actor_and_severity_and_cuts_to_microseconds()
    {
        var at = new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
        var key = AuditEventMapper.ToEntity(new AuditEvent("apikeys.used", AuditOutcome.Denied) { ActorApiKeyId = "k-1", ActorUserId = "u-1", OccurredAt = at }, at, 1024);
        key.ActorType.ShouldBe("api_key");
        key.Severity.ShouldBe("warning");
        key.TenantId.ShouldBe("");
        key.OccurredAt.UtcTicks.ShouldBe(at.UtcTicks - 7);
        var system = AuditEventMapper.ToEntity(new AuditEvent("costing.prices.refreshed", AuditOutcome.Success), at, 1024);
        system.ActorType.ShouldBe("system");
        system.Severity.ShouldBe("information");
        var critical = AuditEventMapper.ToEntity(new AuditEvent("auth.refresh.reused", AuditOutcome.Denied) { Severity = AuditSeverity.Critical, UserAgent = new string('a', 600) }, at, 1024);
        critical.Severity.ShouldBe("critical");
        critical.UserAgent!.Length.ShouldBe(AuditColumnLengths.UserAgent);
    }
}
