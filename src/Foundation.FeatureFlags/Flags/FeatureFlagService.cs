using Foundation.Auditing;
using Foundation.FeatureFlags.Diagnostics;
using Foundation.FeatureFlags.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.FeatureFlags;

/// <summary>
/// Creates, reads, changes and deletes one organisation's flags. Every command is one statement in its own transaction (nothing
/// half-written), is audited (<c>feature_flag.created</c>, <c>feature_flag.updated</c>, <c>feature_flag.deleted</c>) and drops the
/// organisation's entry in this instance's <see cref="FeatureFlagCache"/> once committed. Usable without HTTP.
/// </summary>
public sealed class FeatureFlagService
{
    private readonly FeatureFlagsDbContext _db;
    private readonly FeatureFlagCache _cache;
    private readonly IAuditEventWriter _audit;
    private readonly TimeProvider _time;
    private readonly IOptions<FeatureFlagsOptions> _options;
    private readonly FeatureFlagsTelemetry _telemetry;

    internal FeatureFlagService(FeatureFlagsDbContext db, FeatureFlagCache cache, IAuditEventWriter audit, TimeProvider time,
        IOptions<FeatureFlagsOptions> options, FeatureFlagsTelemetry telemetry)
    {
        _db = db;
        _cache = cache;
        _audit = audit;
        _time = time;
        _options = options;
        _telemetry = telemetry;
    }

    /// <summary>The organisation's flags, by name.</summary>
    public async Task<IReadOnlyList<FeatureFlag>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var rows = await _db.Flags.AsNoTracking().Where(f => f.TenantId == tenantId).OrderBy(f => f.NameKey)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToModel)];
    }

    /// <summary>One flag of the organisation.</summary>
    /// <exception cref="FeatureFlagNotFoundException">The organisation has no such flag.</exception>
    public async Task<FeatureFlag> GetAsync(string tenantId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return ToModel(await FindAsync(tenantId, name, tracked: false, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Creates a flag in the organisation.</summary>
    /// <exception cref="FeatureFlagValidationException">The input is invalid (the field is named).</exception>
    /// <exception cref="FeatureFlagConflictException">A flag of that name exists, or the organisation has as many flags as it may keep.</exception>
    public async Task<FeatureFlag> CreateAsync(string tenantId, FeatureFlagInput input, string? actorUserId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(input);
        var name = FeatureFlagValidation.Name(input.Name);
        var (description, enabled, rollout, audience) = FeatureFlagValidation.Input(input);
        var key = FeatureFlagValidation.Key(name);
        if (await _db.Flags.AnyAsync(f => f.TenantId == tenantId && f.NameKey == key, cancellationToken).ConfigureAwait(false))
        {
            throw Duplicate(name);
        }

        var max = _options.Value.MaxFlagsPerOrganization;
        if (await _db.Flags.CountAsync(f => f.TenantId == tenantId, cancellationToken).ConfigureAwait(false) >= max)
        {
            throw new FeatureFlagConflictException("name", $"This organisation already has {max} feature flags, as many as it may keep; delete one first.");
        }

        var now = _time.GetUtcNow();
        var row = new FeatureFlagEntity
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            TenantId = tenantId,
            Name = name,
            NameKey = key,
            Description = description,
            Enabled = enabled,
            RolloutPercentage = rollout,
            Audience = audience.ToJson(),
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
            UpdatedBy = actorUserId,
        };
        _db.Flags.Add(row);
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            // Another request created the same name between the check and the insert: the unique index refused this one.
            _db.Entry(row).State = EntityState.Detached;
            if (await _db.Flags.AnyAsync(f => f.TenantId == tenantId && f.NameKey == key, cancellationToken).ConfigureAwait(false))
            {
                throw Duplicate(name, ex);
            }

            throw;
        }

        await ChangedAsync("feature_flag.created", "created", row, actorUserId, cancellationToken).ConfigureAwait(false);
        return ToModel(row);
    }

    /// <summary>Replaces what is set on a flag (its name stays).</summary>
    /// <exception cref="FeatureFlagValidationException">The input is invalid, or names another flag.</exception>
    /// <exception cref="FeatureFlagNotFoundException">The organisation has no such flag.</exception>
    /// <exception cref="FeatureFlagConflictException">The flag was changed by another request meanwhile.</exception>
    public async Task<FeatureFlag> UpdateAsync(string tenantId, string name, FeatureFlagInput input, string? actorUserId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(input);
        if (input.Name is not null && !string.Equals(FeatureFlagValidation.Key(input.Name), FeatureFlagValidation.Key(name), StringComparison.Ordinal))
        {
            throw new FeatureFlagValidationException("name", $"name is '{input.Name}' but the flag is '{name}'; a flag cannot be renamed (create a new one and delete this one).");
        }

        var (description, enabled, rollout, audience) = FeatureFlagValidation.Input(input);
        var row = await FindAsync(tenantId, name, tracked: true, cancellationToken).ConfigureAwait(false);
        row.Description = description;
        row.Enabled = enabled;
        row.RolloutPercentage = rollout;
        row.Audience = audience.ToJson();
        row.Version++;
        row.UpdatedAt = _time.GetUtcNow();
        row.UpdatedBy = actorUserId;
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new FeatureFlagConflictException("name", $"The feature flag '{row.Name}' was changed or deleted by another request meanwhile; read it again and retry.", ex);
        }

        await ChangedAsync("feature_flag.updated", "updated", row, actorUserId, cancellationToken).ConfigureAwait(false);
        return ToModel(row);
    }

    /// <summary>Deletes a flag: evaluation falls back to a configured flag of the same name, or off.</summary>
    /// <exception cref="FeatureFlagNotFoundException">The organisation has no such flag.</exception>
    public async Task DeleteAsync(string tenantId, string name, string? actorUserId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var row = await FindAsync(tenantId, name, tracked: false, cancellationToken).ConfigureAwait(false);
        var deleted = await _db.Flags.Where(f => f.Id == row.Id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (deleted == 0)
        {
            throw new FeatureFlagNotFoundException(name);
        }

        await ChangedAsync("feature_flag.deleted", "deleted", row, actorUserId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FeatureFlagEntity> FindAsync(string tenantId, string name, bool tracked, CancellationToken cancellationToken)
    {
        FeatureFlagValidation.Name(name);
        var key = FeatureFlagValidation.Key(name);
        var query = tracked ? _db.Flags : _db.Flags.AsNoTracking();
        return await query.SingleOrDefaultAsync(f => f.TenantId == tenantId && f.NameKey == key, cancellationToken).ConfigureAwait(false)
            ?? throw new FeatureFlagNotFoundException(name);
    }

    private async Task ChangedAsync(string action, string change, FeatureFlagEntity row, string? actorUserId, CancellationToken cancellationToken)
    {
        _cache.OnChanged(row.TenantId);
        _telemetry.Changes.Add(1, new KeyValuePair<string, object?>("foundation.feature_flags.change", change));
        var audience = StoredAudience.FromJson(row.Audience);
        await _audit.WriteAsync(new AuditEvent(action, AuditOutcome.Success)
        {
            ActorUserId = actorUserId,
            TenantId = row.TenantId,
            TargetType = "feature_flag",
            TargetId = row.Name,
            Data = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["enabled"] = row.Enabled ? "true" : "false",
                ["rolloutPercentage"] = row.RolloutPercentage.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["users"] = audience.Users.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["teams"] = string.Join(",", audience.Teams),
                ["roles"] = string.Join(",", audience.Roles),
                ["version"] = row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        }, cancellationToken).ConfigureAwait(false);
    }

    private static FeatureFlagConflictException Duplicate(string name, Exception? inner = null) =>
        new("name", $"A feature flag named '{name}' already exists in this organisation (names are compared case-insensitively); update it instead.", inner);

    private static FeatureFlag ToModel(FeatureFlagEntity row)
    {
        var audience = StoredAudience.FromJson(row.Audience);
        return new FeatureFlag
        {
            Name = row.Name,
            Description = row.Description,
            Enabled = row.Enabled,
            RolloutPercentage = row.RolloutPercentage,
            Users = audience.Users,
            Teams = audience.Teams,
            Roles = audience.Roles,
            ExcludedUsers = audience.ExcludedUsers,
            Version = row.Version,
            CreatedAt = row.CreatedAt,
            UpdatedAt = row.UpdatedAt,
            UpdatedBy = row.UpdatedBy,
        };
    }
}
