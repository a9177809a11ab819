using System.Globalization;
using Foundation.Llm.Routing.Providers;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing;

/// <summary>Validates <c>Foundation:Llm</c> at start; every failure names its configuration key and says what would be valid.</summary>
internal sealed class LlmRoutingOptionsValidator : IValidateOptions<LlmRoutingOptions>
{
    private const string Section = LlmRoutingOptions.SectionName;
    private static readonly TimeSpan s_minTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maxTimeout = TimeSpan.FromDays(1);

    private readonly IEnumerable<HostDeployment> _hostDeployments;

    public LlmRoutingOptionsValidator(IEnumerable<HostDeployment> hostDeployments) => _hostDeployments = hostDeployments;

    public ValidateOptionsResult Validate(string? name, LlmRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ValidateProviders(options, failures);
        var known = KnownNames(options);
        ValidateModels(options, failures);
        ValidateResilience(options.Resilience, failures);
        ValidatePolicies(options.Policies, known, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateProviders(LlmRoutingOptions options, List<string> failures)
    {
        foreach (var (providerName, provider) in options.Providers)
        {
            var key = $"{Section}:Providers:{providerName}";
            if (provider is null)
            {
                failures.Add($"{key} is empty; set at least its Type (OpenAI, AzureOpenAI, OpenAICompatible or Anthropic).");
                continue;
            }

            if (!Enum.IsDefined(provider.Type))
            {
                failures.Add(Invariant($"{key}:Type is '{provider.Type}'; it must be OpenAI, AzureOpenAI, OpenAICompatible or Anthropic."));
            }

            if (provider.BaseUrl is { } url && (!url.IsAbsoluteUri || (!string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal) && !string.Equals(url.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal))))
            {
                failures.Add($"{key}:BaseUrl is '{url}'; it must be an absolute http(s) URL (for example https://api.openai.com/v1).");
            }

            if (provider.BaseUrl is null && provider.Type is LlmProviderType.OpenAICompatible or LlmProviderType.AzureOpenAI)
            {
                failures.Add(provider.Type == LlmProviderType.AzureOpenAI
                    ? $"{key}:BaseUrl is required for AzureOpenAI (https://{{resource}}.openai.azure.com/openai/deployments/{{deployment}})."
                    : $"{key}:BaseUrl is required for OpenAICompatible (for example http://127.0.0.1:11434/v1).");
            }

            if (provider.Type == LlmProviderType.AzureOpenAI && string.IsNullOrWhiteSpace(provider.ApiVersion))
            {
                failures.Add($"{key}:ApiVersion is required for AzureOpenAI (for example 2024-10-21).");
            }
        }
    }

    private void ValidateModels(LlmRoutingOptions options, List<string> failures)
    {
        var knownProviders = string.Join(", ", options.Providers.Keys.Order(StringComparer.OrdinalIgnoreCase));
        foreach (var (alias, model) in options.Models)
        {
            var key = $"{Section}:Models:{alias}";
            if (model is null)
            {
                failures.Add($"{key} is empty; list its Deployments.");
                continue;
            }

            if (!Enum.IsDefined(model.Strategy))
            {
                failures.Add(Invariant($"{key}:Strategy is '{model.Strategy}'; it must be one of {string.Join(", ", Enum.GetNames<RoutingStrategy>())}."));
            }

            if (model.Deployments.Count == 0 && !_hostDeployments.Any(h => string.Equals(h.Alias, alias, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{key}:Deployments is empty; list at least one deployment (Provider and Model).");
            }

            FallbackAlias(options, failures, alias, key + ":ContextWindowFallback", model.ContextWindowFallback);
            FallbackAlias(options, failures, alias, key + ":ContentPolicyFallback", model.ContentPolicyFallback);

            for (var i = 0; i < model.Deployments.Count; i++)
            {
                var deployment = model.Deployments[i];
                var dkey = Invariant($"{key}:Deployments:{i}");
                if (deployment is null)
                {
                    failures.Add($"{dkey} is empty; set its Provider and Model.");
                    continue;
                }

                if (string.IsNullOrWhiteSpace(deployment.Provider))
                {
                    failures.Add($"{dkey}:Provider is required; known providers: {KnownOrNone(knownProviders)}.");
                }
                else if (!options.Providers.ContainsKey(deployment.Provider))
                {
                    failures.Add($"{dkey}:Provider is '{deployment.Provider}'; known providers: {KnownOrNone(knownProviders)}.");
                }

                if (string.IsNullOrWhiteSpace(deployment.Model))
                {
                    failures.Add($"{dkey}:Model is required (the provider's model id, for example gpt-4o-mini).");
                }

                if (deployment.Weight is < 1 or > 1_000_000)
                {
                    failures.Add(Invariant($"{dkey}:Weight is {deployment.Weight}; it must be 1 to 1000000."));
                }

                Positive(failures, dkey + ":Rpm", deployment.Rpm);
                Positive(failures, dkey + ":Tpm", deployment.Tpm);
                Positive(failures, dkey + ":ContextWindow", deployment.ContextWindow);
                Positive(failures, dkey + ":MaxOutputTokens", deployment.MaxOutputTokens);
            }
        }
    }

    private static void FallbackAlias(LlmRoutingOptions options, List<string> failures, string alias, string key, string? fallback)
    {
        if (fallback is null)
        {
            return;
        }

        if (string.Equals(fallback, alias, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{key} is '{fallback}', the alias itself; name another alias.");
        }
        else if (!options.Models.ContainsKey(fallback))
        {
            failures.Add($"{key} is '{fallback}'; known aliases: {KnownOrNone(string.Join(", ", options.Models.Keys))}.");
        }
    }

    private static void ValidateResilience(LlmResilienceOptions resilience, List<string> failures)
    {
        const string key = Section + ":Resilience";
        TimeoutRange(failures, key + ":AttemptTimeout", resilience.AttemptTimeout);
        TimeoutRange(failures, key + ":Deadline", resilience.Deadline);
        if (resilience.MaxRetries is < 0 or > 10)
        {
            failures.Add(Invariant($"{key}:MaxRetries is {resilience.MaxRetries}; it must be 0 to 10."));
        }

        if (resilience.BaseDelay < TimeSpan.Zero || resilience.BaseDelay > TimeSpan.FromMinutes(10))
        {
            failures.Add(Invariant($"{key}:BaseDelay is {resilience.BaseDelay}; it must be 00:00:00 to 00:10:00."));
        }

        if (resilience.MaxDelay < resilience.BaseDelay || resilience.MaxDelay > TimeSpan.FromHours(1))
        {
            failures.Add(Invariant($"{key}:MaxDelay is {resilience.MaxDelay}; it must be at least BaseDelay ({resilience.BaseDelay}) and at most 01:00:00."));
        }

        if (resilience.CooldownFailures is < 1 or > 1000)
        {
            failures.Add(Invariant($"{key}:CooldownFailures is {resilience.CooldownFailures}; it must be 1 to 1000."));
        }

        if (resilience.CooldownPeriod <= TimeSpan.Zero || resilience.CooldownPeriod > TimeSpan.FromDays(1))
        {
            failures.Add(Invariant($"{key}:CooldownPeriod is {resilience.CooldownPeriod}; it must be more than 00:00:00 and at most 1.00:00:00."));
        }

        if (resilience.MaxAliasFallbacks is < 0 or > 10)
        {
            failures.Add(Invariant($"{key}:MaxAliasFallbacks is {resilience.MaxAliasFallbacks}; it must be 0 to 10."));
        }
    }

    private static void ValidatePolicies(LlmPolicyOptions policies, HashSet<string> known, List<string> failures)
    {
        foreach (var (role, policy) in policies.Roles)
        {
            ValidatePolicy($"{Section}:Policies:Roles:{role}", policy, known, failures);
        }

        foreach (var (tenant, policy) in policies.Tenants)
        {
            ValidatePolicy($"{Section}:Policies:Tenants:{tenant}", policy, known, failures);
        }
    }

    private static void ValidatePolicy(string key, LlmModelPolicy? policy, HashSet<string> known, List<string> failures)
    {
        if (policy is null)
        {
            return;
        }

        Names(key + ":AllowedModels", policy.AllowedModels, known, failures);
        Names(key + ":DeniedModels", policy.DeniedModels, known, failures);
        if (policy.MaxOutputTokens is <= 0)
        {
            failures.Add(Invariant($"{key}:MaxOutputTokens is {policy.MaxOutputTokens}; it must be positive (or absent for no cap)."));
        }
    }

    private static void Names(string key, IList<string> names, HashSet<string> known, List<string> failures)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]) || !known.Contains(names[i]))
            {
                failures.Add(Invariant($"{key}:{i} is '{names[i]}'; it names no alias, deployment or model (known: {string.Join(", ", known.Order(StringComparer.OrdinalIgnoreCase))})."));
            }
        }
    }

    private HashSet<string> KnownNames(LlmRoutingOptions options)
    {
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, model) in options.Models)
        {
            known.Add(alias);
            if (model is null)
            {
                continue;
            }

            foreach (var deployment in model.Deployments)
            {
                if (deployment is null)
                {
                    continue;
                }

                if (!string.IsNullOrWhiteSpace(deployment.Model))
                {
                    known.Add(deployment.Model);
                    known.Add(string.IsNullOrWhiteSpace(deployment.Name) ? deployment.Provider + "/" + deployment.Model : deployment.Name);
                }
            }
        }

        foreach (var host in _hostDeployments)
        {
            known.Add(host.Alias);
            known.Add(host.Name);
            if (!string.IsNullOrWhiteSpace(host.Options.Model))
            {
                known.Add(host.Options.Model);
            }
        }

        return known;
    }

    private static void Positive(List<string> failures, string key, long? value)
    {
        if (value is <= 0)
        {
            failures.Add(Invariant($"{key} is {value}; it must be positive (or absent for no limit)."));
        }
    }

    private static void TimeoutRange(List<string> failures, string key, TimeSpan value)
    {
        if (value < s_minTimeout || value > s_maxTimeout)
        {
            failures.Add(Invariant($"{key} is {value}; it must be 00:00:00.010 to 1.00:00:00."));
        }
    }

    private static string KnownOrNone(string list) => list.Length == 0 ? "(none configured)" : list;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
