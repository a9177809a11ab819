using System.Net;
using Foundation.FeatureFlags.Tests.Infrastructure;

namespace Foundation.FeatureFlags.Tests.Http;

/// <summary>
/// Flags declared in configuration (FeatureManagement's own section) serve every organisation, target organisations by their
/// <c>org:{id}</c> group, and yield to an organisation's own flag of the same name.
/// </summary>
public sealed class ConfiguredFlagTests(SqliteFeatureFlagsDatabase database) : IClassFixture<SqliteFeatureFlagsDatabase>
{
    [Fact]
    public async Task A_configured_flag_targets_an_organisation_and_an_organisations_own_flag_overrides_it()
    {
        var orgA = Foundation.Testing.StoreTestDatabase.NewTenant();
        var orgB = Foundation.Testing.StoreTestDatabase.NewTenant();
        await using var host = await FeatureFlagsTestHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["FeatureManagement:pilot:EnabledFor:0:Name"] = "Microsoft.Targeting",
            ["FeatureManagement:pilot:EnabledFor:0:Parameters:Audience:Groups:0:Name"] = "org:" + orgA,
            ["FeatureManagement:pilot:EnabledFor:0:Parameters:Audience:Groups:0:RolloutPercentage"] = "100",
            ["FeatureManagement:pilot:EnabledFor:0:Parameters:Audience:DefaultRolloutPercentage"] = "0",
            ["FeatureManagement:everyone"] = "true",
        });

        var a = await host.FeaturesAsync($"u-1;{orgA};member;");
        a["pilot"].ShouldBeTrue();
        a["everyone"].ShouldBeTrue();
        var b = await host.FeaturesAsync($"u-2;{orgB};member;");
        b["pilot"].ShouldBeFalse();
        b["everyone"].ShouldBeTrue();

        // Organisation B turns "everyone" off for itself; A keeps the configured value.
        using (var created = await host.SendAsync(HttpMethod.Post, "/api/v1/feature-flags", $"admin;{orgB};admin;", new { name = "everyone", enabled = false }))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        (await host.FeaturesAsync($"u-2;{orgB};member;"))["everyone"].ShouldBeFalse();
        (await host.FeaturesAsync($"u-1;{orgA};member;"))["everyone"].ShouldBeTrue();
    }
}
