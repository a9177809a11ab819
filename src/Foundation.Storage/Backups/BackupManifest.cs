using System.Text.Json.Serialization;

namespace Foundation.Storage.Backups;

/// <summary>
/// What a backup holds, stored beside it as <c>{id}.manifest.json</c> (written after the backup, so a listed manifest means a complete
/// backup). The hashes are checked again by verify and restore; the encryption itself authenticates every chunk.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The backup's id: <c>yyyyMMddTHHmmssZ-</c> and 8 hex digits; sorts by time.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>When the snapshot was taken (the host's <see cref="TimeProvider"/>).</summary>
    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>sqlite</c> (a database file from SQLite's backup API) or <c>postgresql</c> (a pg_dump custom-format archive).</summary>
    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    /// <summary>The backup file's format version (1).</summary>
    [JsonPropertyName("format")]
    public int Format { get; init; } = 1;

    /// <summary>The size of the snapshot (before compression and encryption).</summary>
    [JsonPropertyName("plaintextBytes")]
    public required long PlaintextBytes { get; init; }

    /// <summary>Lower-case hex SHA-256 of the snapshot.</summary>
    [JsonPropertyName("plaintextSha256")]
    public required string PlaintextSha256 { get; init; }

    /// <summary>The size of the stored (compressed, encrypted) file.</summary>
    [JsonPropertyName("storedBytes")]
    public required long StoredBytes { get; init; }

    /// <summary>Lower-case hex SHA-256 of the stored file.</summary>
    [JsonPropertyName("storedSha256")]
    public required string StoredSha256 { get; init; }

    /// <summary>The id of the key (<c>Foundation:Storage:Backups:Keys:{id}</c>) the backup is encrypted with.</summary>
    [JsonPropertyName("keyId")]
    public required string KeyId { get; init; }

    /// <summary>The number of authenticated chunks.</summary>
    [JsonPropertyName("chunkCount")]
    public required long ChunkCount { get; init; }

    /// <summary>The name of the backup file in the target.</summary>
    [JsonIgnore]
    public string FileName => Id + BackupNames.BackupSuffix;
}
