namespace Foundation.Storage.Backups;

/// <summary>The names of a backup's two objects in a target.</summary>
public static class BackupNames
{
    /// <summary>The encrypted backup: <c>{id}.fbk</c>.</summary>
    public const string BackupSuffix = ".fbk";

    /// <summary>The manifest: <c>{id}.manifest.json</c>.</summary>
    public const string ManifestSuffix = ".manifest.json";

    /// <summary>Throws unless <paramref name="id"/> is a backup id (letters, digits and dashes, 1 to 64), so no id can leave a target's folder.</summary>
    public static void ValidateId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new BackupNotFoundException($"'{id}' is not a backup id: ids are letters, digits and dashes (for example 20261203T140000Z-0a1b2c3d); list them with the 'list' command.");
        }
    }
}
