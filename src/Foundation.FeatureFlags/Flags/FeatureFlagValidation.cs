using System.Globalization;
using Foundation.FeatureFlags.Storage;

namespace Foundation.FeatureFlags;

/// <summary>The rules a flag's input must meet; each refusal names the field.</summary>
internal static class FeatureFlagValidation
{
    public const int MaxNameLength = FeatureFlagColumnLengths.Name;
    public const int MaxDescriptionLength = FeatureFlagColumnLengths.Description;
    public const int MaxListEntries = 1000;
    public const int MaxEntryLength = 128;

    public static string Name(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new FeatureFlagValidationException(field, "name is required: 1-64 characters, letters, digits, '.', '_' and '-', starting with a letter or digit.");
        }

        if (name.Length > MaxNameLength)
        {
            throw new FeatureFlagValidationException(field, $"name is {name.Length} characters long; at most {MaxNameLength} are allowed.");
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var allowed = char.IsAsciiLetterOrDigit(c) || (i > 0 && c is '.' or '_' or '-');
            if (!allowed)
            {
                var what = char.IsWhiteSpace(c) ? "a space" : $"'{c}'";
                throw new FeatureFlagValidationException(field,
                    $"name '{name}' contains {what} at position {i + 1}; use letters, digits, '.', '_' and '-', starting with a letter or digit.");
            }
        }

        return name;
    }

    public static string Key(string name) => name.ToLower(CultureInfo.InvariantCulture);

    public static (string? Description, bool Enabled, int Rollout, StoredAudience Audience) Input(FeatureFlagInput input)
    {
        var description = input.Description;
        if (description is not null && description.Length > MaxDescriptionLength)
        {
            throw new FeatureFlagValidationException("description", $"description is {description.Length} characters long; at most {MaxDescriptionLength} are allowed.");
        }

        var users = List(input.Users, "users", lowerCase: false);
        var teams = List(input.Teams, "teams", lowerCase: false);
        var roles = List(input.Roles, "roles", lowerCase: true);
        var excluded = List(input.ExcludedUsers, "excludedUsers", lowerCase: false);
        var rollout = input.RolloutPercentage ?? (users.Count + teams.Count + roles.Count == 0 ? 100 : 0);
        if (rollout is < 0 or > 100)
        {
            throw new FeatureFlagValidationException("rolloutPercentage", $"rolloutPercentage is {rollout}; it must be a whole number from 0 to 100.");
        }

        return (string.IsNullOrWhiteSpace(description) ? null : description, input.Enabled ?? false, rollout,
            new StoredAudience { Users = users, Teams = teams, Roles = roles, ExcludedUsers = excluded });
    }

    private static List<string> List(IReadOnlyList<string>? values, string field, bool lowerCase)
    {
        if (values is null)
        {
            return [];
        }

        if (values.Count > MaxListEntries)
        {
            throw new FeatureFlagValidationException(field, $"{field} has {values.Count} entries; at most {MaxListEntries} are allowed.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new FeatureFlagValidationException(path, $"{path} is empty; give an id.");
            }

            if (value.Length > MaxEntryLength || value.Trim().Length != value.Length)
            {
                throw new FeatureFlagValidationException(path, $"{path} must be at most {MaxEntryLength} characters, without leading or trailing spaces.");
            }

            var normalized = lowerCase ? value.ToLower(CultureInfo.InvariantCulture) : value;
            if (seen.Add(normalized))
            {
                result.Add(normalized);
            }
        }

        return result;
    }
}
