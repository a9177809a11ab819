namespace Foundation.Storage.Storage;

/// <summary>A named value the package keeps (<c>storage_settings</c>): the generated link-signing key, protected.</summary>
public sealed class StorageSettingEntity
{
    /// <summary>The setting's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The value.</summary>
    public string Value { get; set; } = string.Empty;
}
