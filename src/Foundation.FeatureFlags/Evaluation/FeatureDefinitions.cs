using System.Globalization;
using Foundation.FeatureFlags.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;

namespace Foundation.FeatureFlags.Evaluation;

/// <summary>
/// Turns a stored flag into Microsoft.FeatureManagement's <see cref="FeatureDefinition"/>: one <c>Microsoft.Targeting</c> filter
/// whose audience is the flag's users, its teams and roles as groups (<see cref="FeatureTargetingGroups"/>) at 100%, its rollout
/// percentage as the default rollout, and its excluded users; a disabled flag has the status <see cref="FeatureStatus.Disabled"/>.
/// </summary>
internal static class FeatureDefinitions
{
    /// <summary>The name the targeting filter is registered under (<c>TargetingFilter</c>'s alias).</summary>
    public const string TargetingFilterName = "Microsoft.Targeting";

    public static FeatureDefinition From(FeatureFlagEntity flag)
    {
        var audience = StoredAudience.FromJson(flag.Audience);
        if (!flag.Enabled)
        {
            return new FeatureDefinition { Name = flag.Name, Status = FeatureStatus.Disabled, EnabledFor = [] };
        }

        var groups = audience.Teams.Select(FeatureTargetingGroups.Team).Concat(audience.Roles.Select(FeatureTargetingGroups.Role)).ToList();
        var settings = new TargetingFilterSettings
        {
            Audience = new Audience
            {
                Users = [.. audience.Users],
                Groups = [.. groups.Select(g => new GroupRollout { Name = g, RolloutPercentage = 100 })],
                DefaultRolloutPercentage = flag.RolloutPercentage,
                Exclusion = new BasicAudience { Users = [.. audience.ExcludedUsers], Groups = [] },
            },
        };

        // The same audience as configuration too, for a filter that reads Parameters rather than ParametersObject.
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Audience:DefaultRolloutPercentage"] = flag.RolloutPercentage.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < audience.Users.Count; i++)
        {
            parameters[string.Create(CultureInfo.InvariantCulture, $"Audience:Users:{i}")] = audience.Users[i];
        }

        for (var i = 0; i < groups.Count; i++)
        {
            parameters[string.Create(CultureInfo.InvariantCulture, $"Audience:Groups:{i}:Name")] = groups[i];
            parameters[string.Create(CultureInfo.InvariantCulture, $"Audience:Groups:{i}:RolloutPercentage")] = "100";
        }

        for (var i = 0; i < audience.ExcludedUsers.Count; i++)
        {
            parameters[string.Create(CultureInfo.InvariantCulture, $"Audience:Exclusion:Users:{i}")] = audience.ExcludedUsers[i];
        }

        return new FeatureDefinition
        {
            Name = flag.Name,
            Status = FeatureStatus.Conditional,
            RequirementType = RequirementType.Any,
            EnabledFor =
            [
                new FeatureFilterConfiguration
                {
                    Name = TargetingFilterName,
                    ParametersObject = settings,
                    Parameters = new ConfigurationBuilder().AddInMemoryCollection(parameters).Build(),
                },
            ],
        };
    }
}
