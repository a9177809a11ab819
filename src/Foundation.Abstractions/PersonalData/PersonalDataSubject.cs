namespace Foundation.PersonalData;

/// <summary>The person whose data is exported or erased: a user id within one tenant.</summary>
public sealed record PersonalDataSubject
{
    /// <summary>Creates the subject.</summary>
    /// <param name="tenantId">The tenant (<c>""</c> or <see langword="null"/> for users outside any tenant).</param>
    /// <param name="userId">The user's id (the <c>sub</c> of their tokens).</param>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is empty or white space.</exception>
    public PersonalDataSubject(string? tenantId, string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        TenantId = tenantId ?? "";
        UserId = userId;
    }

    /// <summary>The tenant; <c>""</c> for none.</summary>
    public string TenantId { get; }

    /// <summary>The user's id.</summary>
    public string UserId { get; }
}
