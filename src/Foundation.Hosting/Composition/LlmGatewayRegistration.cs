using System.Globalization;
using Foundation.Configuration;
using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Demo;
using Foundation.Llm.Routing.Endpoints;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Composition;

/// <summary>The demo deployment's settings, bound from <c>Foundation:Llm:Demo</c>.</summary>
public sealed class LlmDemoSettings
{
    /// <summary>The configuration section: <c>Foundation:Llm:Demo</c>.</summary>
    public const string SectionName = "Foundation:Llm:Demo";

    /// <summary>The pause between streamed words of the demo, in milliseconds (0 to 1000). Default 15.</summary>
    public int WordDelayMilliseconds { get; set; } = 15;
}

/// <summary>What Foundation.Hosting registers for the LLM endpoints.</summary>
internal static class LlmGatewayRegistration
{
    /// <summary>The deployment name of the built-in demo (its provider system is <see cref="DemoChatClient.SystemName"/>).</summary>
    public const string DemoDeployment = "foundation-demo";

    /// <summary>The aliases the demo serves when no provider is configured.</summary>
    public static readonly string[] DemoAliases = ["chat", "demo"];

    /// <summary>
    /// The gateway's services: the provider switch from <c>OPENAI_API_KEY</c>/<c>ANTHROPIC_API_KEY</c>, the demo client's
    /// settings and the demo client. The endpoints expect an <see cref="IChatClient"/> (the router) and an
    /// <see cref="ILlmModelCatalog"/>.
    /// </summary>
    public static void AddFoundationLlmGateway(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IPostConfigureOptions<LlmRoutingOptions>>(new LlmEnvironmentProviders(configuration));
        services.AddSingleton<ILlmHttpErrorMapper, BudgetLlmHttpErrorMapper>();
        services.AddOptions<LlmDemoSettings>().BindStrictly(configuration.GetSection(LlmDemoSettings.SectionName))
            .Validate(s => s.WordDelayMilliseconds is >= 0 and <= 1000, $"{LlmDemoSettings.SectionName}:WordDelayMilliseconds must be 0 to 1000.")
            .ValidateOnStart();

        // The router; with no provider configured (after the OPENAI_API_KEY/ANTHROPIC_API_KEY mapping) the offline demo
        // serves the aliases "chat" and "demo".
        var routing = services.AddFoundationLlmRouting(configuration);

        // The provider-key store (bring your own key, Foundation.Llm.ProviderKeys) on Foundation's database.
        routing.AddProviderKeyStore(configuration).UseDbContext(FoundationDatabase.Configure);

        // Every deployment's client (not the router) is metered, so the real provider and model are priced and budgets are checked
        // before the provider is called; a budget refusal passes the router unchanged (no retry, no fallback).
        routing.DecorateDeployments(static (sp, client) => sp.GetRequiredService<Foundation.Costing.Metering.CostingChatClientFactory>().Create(client));
        var demo = CreateDemoClient(configuration);
        foreach (var alias in DemoAliases)
        {
            routing.AddDeploymentWhenNoProviders(alias, DemoDeployment, demo);
        }
    }

    /// <summary>
    /// A demo client for registering as a deployment at start-up (the delay is read from <paramref name="configuration"/> now).
    /// </summary>
    public static DemoChatClient CreateDemoClient(IConfiguration configuration)
    {
        // Not GetValue<int>: a malformed value must fail at start with the options' message (naming the key), not here.
        var ms = int.TryParse(configuration[LlmDemoSettings.SectionName + ":WordDelayMilliseconds"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : 15;
        return new DemoChatClient(new DemoChatClientOptions { WordDelay = TimeSpan.FromMilliseconds(Math.Clamp(ms, 0, 1000)) });
    }

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
