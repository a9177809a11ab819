using System.Net;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;

namespace Foundation.Hosting.Tests.FeatureFlags;

/// <summary>Foundation.FeatureFlags through the full host: AddFoundation() registers it, MapFoundationEndpoints() maps its API.</summary>
public sealed class FeatureFlagEndpointTests
{
    [Fact]
    public async Task An_owner_manages_the_organisations_flags_its_members_see_them_evaluated_and_other_organisations_do_not()
    {
        using var host = new LlmTestHost(settings: new Dictionary<string, string?> { ["FeatureManagement:platform-wide"] = "true" });
        using var client = host.CreateClient();
        var owner = await host.SignInAsync(client, "flags-owner@example.com", tenant: "flags-org");
        var member = await host.SignInAsync(client, "flags-member@example.com", tenant: "flags-org");
        var stranger = await host.SignInAsync(client, "owner@elsewhere.example", tenant: "flags-elsewhere");
        host.Factory.Services.GetRequiredService<IFeatureManager>().ShouldNotBeNull();

        using (var created = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/feature-flags", owner,
                   new { name = "new-dashboard", enabled = true, roles = new[] { "member" } })))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        using (var refused = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/feature-flags", member, new { name = "mine" })))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using (var bad = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/feature-flags", owner, new { name = "too much", rolloutPercentage = 101 })))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await bad.ReadJsonAsync()).Text("field").ShouldBe("name");
        }

        var memberFeatures = (await Features(client, member)).GetProperty("features");
        memberFeatures.GetProperty("new-dashboard").GetBoolean().ShouldBeTrue();
        memberFeatures.GetProperty("platform-wide").GetBoolean().ShouldBeTrue();

        var strangerFeatures = (await Features(client, stranger)).GetProperty("features");
        strangerFeatures.TryGetProperty("new-dashboard", out _).ShouldBeFalse();
        strangerFeatures.GetProperty("platform-wide").GetBoolean().ShouldBeTrue();
        using (var hidden = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/feature-flags/new-dashboard", stranger)))
        {
            hidden.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        host.Audit.Events.ShouldContain(e => e.Action == "feature_flag.created" && e.TargetId == "new-dashboard" && e.TenantId != null);
    }

    private static async Task<System.Text.Json.JsonElement> Features(HttpClient client, string token)
    {
        using var response = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/features", token));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        return await response.ReadJsonAsync();
    }
}
