namespace Foundation.FeatureFlags;

/// <summary>A request Foundation.FeatureFlags refuses; <see cref="StatusCode"/> is the HTTP status its API answers with.</summary>
public abstract class FeatureFlagException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected FeatureFlagException(int statusCode, string field, string message, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Field = field;
    }

    /// <summary>The HTTP status (400, 404, 409).</summary>
    public int StatusCode { get; }

    /// <summary>The input the refusal is about (<c>name</c>, <c>rolloutPercentage</c>, <c>users[2]</c>, ...).</summary>
    public string Field { get; }
}

/// <summary>Invalid input: a name with spaces or too long, a rollout percentage outside 0-100, an unknown field (400).</summary>
public sealed class FeatureFlagValidationException : FeatureFlagException
{
    /// <summary>Creates the exception.</summary>
    public FeatureFlagValidationException(string field, string message, Exception? inner = null)
        : base(400, field, message, inner)
    {
    }
}

/// <summary>No flag of that name in the caller's organisation (404); another organisation's flag is indistinguishable from a missing one.</summary>
public sealed class FeatureFlagNotFoundException : FeatureFlagException
{
    /// <summary>Creates the exception.</summary>
    public FeatureFlagNotFoundException(string name)
        : base(404, "name", $"There is no feature flag '{name}' in this organisation.")
    {
        FlagName = name;
    }

    /// <summary>The name asked for.</summary>
    public string FlagName { get; }
}

/// <summary>A flag of that name already exists in the organisation, or the organisation has as many flags as it may keep (409).</summary>
public sealed class FeatureFlagConflictException : FeatureFlagException
{
    /// <summary>Creates the exception.</summary>
    public FeatureFlagConflictException(string field, string message, Exception? inner = null)
        : base(409, field, message, inner)
    {
    }
}
