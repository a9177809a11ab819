namespace Foundation.FeatureFlags;

/// <summary>
/// One organisation's feature flag as stored and answered by the admin API. Evaluated by Microsoft.FeatureManagement's
/// targeting filter: a disabled flag is off for everyone; an enabled one is on for the listed <see cref="Users"/>, for members
/// of the listed <see cref="Teams"/> and <see cref="Roles"/>, and for <see cref="RolloutPercentage"/> percent of everyone else
/// (sticky per user and monotonic: raising the percentage keeps everyone who had the flag), never for <see cref="ExcludedUsers"/>.
/// </summary>
public sealed record FeatureFlag
{
    /// <summary>The flag's name, unique in the organisation (case-insensitively): what <c>IFeatureManager.IsEnabledAsync(name)</c> asks for.</summary>
    public required string Name { get; init; }

    /// <summary>What the flag is for.</summary>
    public string? Description { get; init; }

    /// <summary>The master switch: off means off for everyone, whatever the targeting says.</summary>
    public bool Enabled { get; init; }

    /// <summary>The share of all users (0-100) who get the flag besides those targeted by name, team or role.</summary>
    public int RolloutPercentage { get; init; }

    /// <summary>User ids who get the flag.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Team ids whose members get the flag.</summary>
    public IReadOnlyList<string> Teams { get; init; } = [];

    /// <summary>Roles (owner, admin, member, ...) whose holders get the flag.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>User ids who never get the flag.</summary>
    public IReadOnlyList<string> ExcludedUsers { get; init; } = [];

    /// <summary>Increased by one on every change, starting at 1.</summary>
    public long Version { get; init; }

    /// <summary>When the flag was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who last changed it, if known.</summary>
    public string? UpdatedBy { get; init; }
}

/// <summary>What a caller sets on a flag (create and update). Omitted lists are empty; see <see cref="RolloutPercentage"/> for its default.</summary>
public sealed record FeatureFlagInput
{
    /// <summary>The name: 1-64 characters, letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    public string? Name { get; init; }

    /// <summary>What the flag is for (at most 500 characters).</summary>
    public string? Description { get; init; }

    /// <summary>The master switch; default off, so a new flag changes nothing until it is enabled.</summary>
    public bool? Enabled { get; init; }

    /// <summary>
    /// 0-100. Default: 100 when no users, teams or roles are named (the flag is for everyone once enabled), otherwise 0 (only
    /// those named).
    /// </summary>
    public int? RolloutPercentage { get; init; }

    /// <summary>User ids who get the flag.</summary>
    public IReadOnlyList<string>? Users { get; init; }

    /// <summary>Team ids whose members get the flag.</summary>
    public IReadOnlyList<string>? Teams { get; init; }

    /// <summary>Roles whose holders get the flag.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>User ids who never get the flag.</summary>
    public IReadOnlyList<string>? ExcludedUsers { get; init; }
}
