namespace Foundation.Llm.Routing.Storage;

/// <summary>Whose a stored provider key is.</summary>
public enum ProviderKeyScope
{
    /// <summary>The user's own key: serves only that user's requests, and wins over a tenant-wide key.</summary>
    User = 0,

    /// <summary>The tenant's key: serves every user of the tenant who has no key of their own. Managed by admins.</summary>
    Tenant = 1,
}
