using Foundation.Callers;
using Microsoft.Extensions.Configuration;
using Microsoft.FeatureManagement;

namespace Foundation.FeatureFlags;

/// <summary>
/// The <see cref="IFeatureDefinitionProvider"/> of Foundation.FeatureFlags: the flags of the caller's organisation
/// (<see cref="ICurrentCaller.TenantId"/>) from <see cref="FeatureFlagCache"/>, then the flags declared in configuration
/// (Microsoft.FeatureManagement's own <c>FeatureManagement</c> section, read by its <see cref="ConfigurationFeatureDefinitionProvider"/>).
/// An organisation's flag wins over a configured flag of the same name.
/// </summary>
public sealed class OrganizationFeatureDefinitionProvider : IFeatureDefinitionProvider, IDisposable
{
    private readonly FeatureFlagCache _cache;
    private readonly ICurrentCaller _caller;
    private readonly ConfigurationFeatureDefinitionProvider _configured;

    /// <summary>Creates the provider.</summary>
    /// <param name="cache">The organisations' flags.</param>
    /// <param name="caller">Whose organisation is asked about.</param>
    /// <param name="configuration">The configuration whose <c>FeatureManagement</c> section declares flags for every organisation.</param>
    public OrganizationFeatureDefinitionProvider(FeatureFlagCache cache, ICurrentCaller caller, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(configuration);
        _cache = cache;
        _caller = caller;
        _configured = new ConfigurationFeatureDefinitionProvider(configuration);
    }

    /// <inheritdoc />
    public async Task<FeatureDefinition> GetFeatureDefinitionAsync(string featureName)
    {
        ArgumentNullException.ThrowIfNull(featureName);
        var own = await _cache.GetAsync(Tenant, CancellationToken.None).ConfigureAwait(false);
        if (own.TryGetValue(featureName, out var definition))
        {
            return definition;
        }

        return await _configured.GetFeatureDefinitionAsync(featureName).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<FeatureDefinition> GetAllFeatureDefinitionsAsync()
    {
        var own = await _cache.GetAsync(Tenant, CancellationToken.None).ConfigureAwait(false);
        foreach (var definition in own.Values)
        {
            yield return definition;
        }

        await foreach (var definition in _configured.GetAllFeatureDefinitionsAsync().ConfigureAwait(false))
        {
            if (!own.ContainsKey(definition.Name))
            {
                yield return definition;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _configured.Dispose();

    private string Tenant => _caller.TenantId ?? string.Empty;
}
