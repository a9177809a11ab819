namespace Foundation.PersonalData;

/// <summary>What a provider's erasure did.</summary>
/// <param name="Deleted">Rows (or files) deleted.</param>
/// <param name="Anonymised">Rows kept with the person's identity removed (usage kept for the tenant's totals, for example).</param>
/// <param name="Note">What was kept and why, or how the data was made unreadable; <see langword="null"/> when there is nothing to add.</param>
public sealed record PersonalDataErasure(int Deleted, int Anonymised, string? Note = null)
{
    /// <summary>Nothing was held about the subject.</summary>
    public static PersonalDataErasure Nothing { get; } = new(0, 0);
}
