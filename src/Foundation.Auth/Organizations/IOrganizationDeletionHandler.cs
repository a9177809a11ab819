namespace Foundation.Auth.Organizations;

/// <summary>
/// Called when an owner deletes an organisation, before Foundation.Auth removes the organisation, its memberships, its
/// API keys and its sessions. Implement it (and register it: <c>services.AddScoped&lt;IOrganizationDeletionHandler, MyHandler&gt;()</c>,
/// several may be) to erase what your package or app stores under the organisation's tenant id. A handler that throws
/// stops the deletion: the organisation stays, the owner sees the error and may retry, so a handler must be idempotent.
/// When the suite's erasure contract (GDPR) lands, one handler bridges to it.
/// </summary>
public interface IOrganizationDeletionHandler
{
    /// <summary>Erases the data of the organisation <paramref name="organizationId"/> (its tenant id; empty for the default tenant).</summary>
    /// <param name="organizationId">The organisation, which is its tenant id.</param>
    /// <param name="cancellationToken">Cancels the erasure.</param>
    Task OnOrganizationDeletingAsync(string organizationId, CancellationToken cancellationToken);
}
