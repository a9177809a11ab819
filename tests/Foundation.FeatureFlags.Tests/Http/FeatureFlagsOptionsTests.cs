using Foundation.FeatureFlags.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Foundation.FeatureFlags.Tests.Http;

/// <summary>A misconfigured <c>Foundation:FeatureFlags</c> fails the host's start with a message naming the key.</summary>
public sealed class FeatureFlagsOptionsTests(SqliteFeatureFlagsDatabase database) : IClassFixture<SqliteFeatureFlagsDatabase>
{
    [Theory]
    [InlineData("Foundation:FeatureFlags:CacheTtl", "02:00:00", "Foundation:FeatureFlags:CacheTtl")]
    [InlineData("Foundation:FeatureFlags:CacheTtl", "soon", "Foundation:FeatureFlags:CacheTtl")]
    [InlineData("Foundation:FeatureFlags:MaxFlagsPerOrganization", "0", "Foundation:FeatureFlags:MaxFlagsPerOrganization")]
    [InlineData("Foundation:FeatureFlags:AdminPolicy", " ", "Foundation:FeatureFlags:AdminPolicy")]
    [InlineData("Foundation:FeatureFlags:CacheTl", "00:00:10", "Foundation:FeatureFlags:CacheTl is not a known key")]
    public async Task A_bad_setting_fails_the_start_naming_the_key(string key, string value, string expected)
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() =>
            FeatureFlagsTestHost.StartAsync(database, new Dictionary<string, string?> { [key] = value }));
        failure.Message.ShouldContain(expected);
    }
}
