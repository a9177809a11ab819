using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Verification;

public sealed class KeyRotationTests(SqliteAuditDatabase database) : IClassFixture<SqliteAuditDatabase>
{
    private const string K1 = "q3n8k3mJ0Yd1h1m2xq7yLJm0Rj0m1x2b3c4d5e6f7g8=";
    private const string K2 = "Zm91bmRhdGlvbi1hdWRpdC10ZXN0LWtleS10d28tMzI=";

    [Fact]
    public async Task A_stored_key_rotates_and_older_checkpoints_still_verify()
    {
        var tenant = AuditTestDatabase.NewTenant();
        string rotated;
        await using (var first = database.BuildServices(o => o.Checkpoints.EveryEvents = 2))
        {
            await WriteAsync(first, tenant, 4);
            using var scope = first.CreateScope();
            rotated = await first.GetRequiredService<AuditSigningKeyRing>().RotateAsync(scope.ServiceProvider.GetRequiredService<AuditDbContext>());
        }

        await using var services = database.BuildServices(o => o.Checkpoints.EveryEvents = 2);
        await WriteAsync(services, tenant, 2);
        await using var db = database.CreateContext();
        var keys = await db.Checkpoints.Where(c => c.TenantId == tenant).OrderBy(c => c.Seq).Select(c => c.KeyId).ToListAsync();
        keys.Count.ShouldBe(3);
        keys[2].ShouldBe(rotated);
        keys[0].ShouldNotBe(rotated);
        (await db.SigningKeys.CountAsync()).ShouldBeGreaterThanOrEqualTo(2);

        using var verifyScope = services.CreateScope();
        var result = await verifyScope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant);
        result.IsValid.ShouldBeTrue(result.Break?.Message);
        result.CheckpointsVerified.ShouldBe(3);
    }

    [Fact]
    public async Task Configured_keys_rotate_by_configuration_and_a_removed_key_is_reported()
    {
        var tenant = AuditTestDatabase.NewTenant();
        await using (var before = database.BuildServices(o => o.Checkpoints.EveryEvents = 2, new Dictionary<string, string?> { ["Foundation:Audit:Signing:Keys:k1"] = K1 }))
        {
            await WriteAsync(before, tenant, 2);
            using var scope = before.CreateScope();
            await Should.ThrowAsync<AuditConfigurationException>(() =>
                before.GetRequiredService<AuditSigningKeyRing>().RotateAsync(scope.ServiceProvider.GetRequiredService<AuditDbContext>()));
        }

        var both = new Dictionary<string, string?> { ["Foundation:Audit:Signing:Keys:k1"] = K1, ["Foundation:Audit:Signing:Keys:k2"] = K2, ["Foundation:Audit:Signing:ActiveKeyId"] = "k2" };
        await using (var after = database.BuildServices(o => o.Checkpoints.EveryEvents = 2, both))
        {
            await WriteAsync(after, tenant, 2);
            using var scope = after.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant);
            result.IsValid.ShouldBeTrue(result.Break?.Message);
            result.LatestCheckpoint!.KeyId.ShouldBe("k2");
        }

        await using var withoutOld = database.BuildServices(settings: new Dictionary<string, string?> { ["Foundation:Audit:Signing:Keys:k2"] = K2 }, protector: false);
        using var last = withoutOld.CreateScope();
        var broken = (await last.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant)).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.CheckpointInvalid);
        broken.Message.ShouldContain("'k1' is unknown");
    }

    private static async Task WriteAsync(IServiceProvider services, string tenant, int count)
    {
        await AuditTestDatabase.StartAsync(services);
        var writer = services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < count; i++)
        {
            await writer.WriteAsync(AuditTestDatabase.Event(tenant));
        }

        await services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        await AuditTestDatabase.StopAsync(services);
    }
}
