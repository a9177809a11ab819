namespace Foundation.Llm.Routing.Storage;

/// <summary>The provider-key store (bring your own key), bound from <c>Foundation:Llm:ProviderKeys</c>.</summary>
public sealed class ProviderKeyOptions
{
    /// <summary>The configuration section: <c>Foundation:Llm:ProviderKeys</c>.</summary>
    public const string SectionName = "Foundation:Llm:ProviderKeys";

    /// <summary>The longest key accepted, in characters.</summary>
    public const int MaxKeyLength = 2048;

    /// <summary>
    /// How long a resolved credential (or the absence of one) is cached per user, provider and instance, in seconds.
    /// Default 30; 0 turns the cache off. A change made on this instance clears the cache at once.
    /// </summary>
    public int CacheSeconds { get; set; } = 30;

    /// <summary>How long the live check of <c>POST /api/v1/provider-keys/{id}/test</c> waits, in seconds. Default 10.</summary>
    public int TestTimeoutSeconds { get; set; } = 10;

    /// <summary>How many keys one user (or one tenant, for tenant-wide keys) may store. Default 50.</summary>
    public int MaxKeysPerOwner { get; set; } = 50;

    /// <summary>
    /// Whether a caller-supplied base URL may point at any address, loopback, private and link-local included: turns the
    /// outbound address check (<see cref="Outbound.OutboundAddressPolicy"/>) off for every host. Default
    /// <see langword="false"/>: stored keys' base URLs, at creation, in the live check and on every chat call, reach only
    /// public addresses, so a stored key cannot make the server probe its own network. Prefer <see cref="AllowedHosts"/>,
    /// which opens only the hosts named.
    /// </summary>
    public bool AllowPrivateNetworkBaseUrls { get; set; }

    /// <summary>
    /// Hosts a caller-supplied base URL may name although they are, or resolve to, refused addresses (self-hosted models on
    /// the server's network): host names or address literals, compared case-insensitively; <c>*.example.internal</c> allows
    /// every subdomain of <c>example.internal</c>. Default empty. Operator-configured providers (<c>Foundation:Llm:Providers</c>)
    /// need no entry.
    /// </summary>
    public IList<string> AllowedHosts { get; set; } = [];

    /// <summary>The outbound address guard these options describe.</summary>
    public Outbound.OutboundAddressPolicy CreatePolicy() => new(AllowedHosts, AllowPrivateNetworkBaseUrls);
}
