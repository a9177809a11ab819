using System.Text.Json;

namespace Foundation.PersonalData;

/// <summary>
/// What one package holds about one person, for the GDPR rights of access (art. 15, 20) and erasure (art. 17). Each package registers one
/// (scoped) with its <c>AddFoundationXxx</c>; Foundation.Audit's GDPR service asks every registered provider, and a host adds its own for
/// the data it keeps itself.
/// </summary>
/// <remarks>
/// Both methods are confined to <see cref="PersonalDataSubject.TenantId"/>: a provider never returns or touches another tenant's rows.
/// <see cref="EraseAsync"/> must be idempotent (a second call finds nothing and succeeds), because an erasure that failed in one provider
/// is retried in all of them.
/// </remarks>
public interface IPersonalDataProvider
{
    /// <summary>The section's name in an export, lower-case (<c>auth</c>, <c>costing</c>); unique among the registered providers.</summary>
    string Name { get; }

    /// <summary>
    /// The subject's data this package holds, as one JSON value (usually an object), or <see langword="null"/> when it holds nothing about
    /// the subject in that tenant. Never secrets: no password hashes, token hashes or TOTP secrets.
    /// </summary>
    Task<JsonElement?> ExportAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default);

    /// <summary>Deletes or anonymises the subject's data in this package, in one transaction; says what it did.</summary>
    Task<PersonalDataErasure> EraseAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default);
}
