namespace Foundation.FeatureFlags.Storage;

/// <summary>One organisation's flag (<c>feature_flags</c>).</summary>
public sealed class FeatureFlagEntity
{
    /// <summary>The row id: a version-7 GUID as 32 lower-case hex digits.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The organisation (tenant) that owns the flag.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The name as given.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The name in lower case (invariant): unique per organisation, so <c>Beta</c> and <c>beta</c> are one flag.</summary>
    public string NameKey { get; set; } = string.Empty;

    /// <summary>What the flag is for.</summary>
    public string? Description { get; set; }

    /// <summary>The master switch.</summary>
    public bool Enabled { get; set; }

    /// <summary>0-100.</summary>
    public int RolloutPercentage { get; set; }

    /// <summary>The targeting lists as JSON: <c>{"users":[],"teams":[],"roles":[],"excludedUsers":[]}</c>.</summary>
    public string Audience { get; set; } = "{}";

    /// <summary>1 on creation, one more on each change.</summary>
    public long Version { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Who last changed it.</summary>
    public string? UpdatedBy { get; set; }
}

internal static class FeatureFlagColumnLengths
{
    public const int Id = 32;
    public const int TenantId = 128;
    public const int Name = 64;
    public const int Description = 500;
    public const int UserId = 128;
}
