using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Foundation.FeatureFlags.Http;

/// <summary>
/// Reads a flag's JSON body strictly, so every mistake is a 400 naming the field: an unknown field (a typo such as
/// <c>rollout</c>), a value of the wrong type (<c>"rolloutPercentage": "ten"</c> or <c>12.5</c>, <c>"users": "u-1"</c>), malformed JSON.
/// </summary>
internal static class FeatureFlagRequestReader
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    private static readonly string s_fields = "name, description, enabled, rolloutPercentage, users, teams, roles, excludedUsers";

    public static async Task<FeatureFlagInput> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw new FeatureFlagValidationException("body", $"The body must be JSON (Content-Type: application/json) with the fields {s_fields}.");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<FeatureFlagInput>(request.Body, s_options, cancellationToken).ConfigureAwait(false)
                ?? throw new FeatureFlagValidationException("body", $"The body is null; send a JSON object with the fields {s_fields}.");
        }
        catch (JsonException ex)
        {
            var field = Field(ex.Path);
            if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
            {
                throw new FeatureFlagValidationException(field, $"{field} is not a known field; the fields are {s_fields}.", ex);
            }

            if (string.Equals(field, "body", StringComparison.Ordinal))
            {
                throw new FeatureFlagValidationException(field, $"The body is not a JSON object with the fields {s_fields}: {ex.Message}", ex);
            }

            throw new FeatureFlagValidationException(field, $"{field} has a value of the wrong type: {Expected(field)}.", ex);
        }
    }

    /// <summary><c>$.users[2]</c> becomes <c>users[2]</c>; the root (or no path) is the body.</summary>
    private static string Field(string? path)
    {
        if (string.IsNullOrEmpty(path) || string.Equals(path, "$", StringComparison.Ordinal))
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string Expected(string field)
    {
        var root = field.Split('[', '.')[0];
        return root switch
        {
            "name" or "description" => $"{root} is a string",
            "enabled" => "enabled is true or false",
            "rolloutPercentage" => "rolloutPercentage is a whole number from 0 to 100",
            _ => $"{root} is a list of strings (for example [\"u-1\", \"u-2\"])",
        };
    }
}
