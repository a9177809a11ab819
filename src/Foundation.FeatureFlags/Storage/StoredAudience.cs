using System.Text.Json;
using System.Text.Json.Serialization;

namespace Foundation.FeatureFlags.Storage;

/// <summary>The targeting lists of a flag as kept in <c>feature_flags.audience</c> (JSON).</summary>
internal sealed record StoredAudience
{
    [JsonPropertyName("users")]
    public IReadOnlyList<string> Users { get; init; } = [];

    [JsonPropertyName("teams")]
    public IReadOnlyList<string> Teams { get; init; } = [];

    [JsonPropertyName("roles")]
    public IReadOnlyList<string> Roles { get; init; } = [];

    [JsonPropertyName("excludedUsers")]
    public IReadOnlyList<string> ExcludedUsers { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, StoredAudienceJson.Default.StoredAudience);

    public static StoredAudience FromJson(string json) =>
        JsonSerializer.Deserialize(json, StoredAudienceJson.Default.StoredAudience) ?? new StoredAudience();
}

[JsonSerializable(typeof(StoredAudience))]
internal sealed partial class StoredAudienceJson : JsonSerializerContext;
