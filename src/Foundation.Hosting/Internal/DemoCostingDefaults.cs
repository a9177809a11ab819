using Foundation.Costing;
using Foundation.Llm.Routing.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Internal;

/// <summary>
/// Composition of Foundation.Costing with Foundation.Llm.Routing's offline demo (neither package knows the other): a price for the demo
/// deployment, so its costs accrue. Metering every deployment with Costing is composed in the gateway registration.
/// </summary>
internal static class DemoCostingDefaults
{
    /// <summary>The demo's list price in USD per one million input tokens (an illustration; the demo calls no provider).</summary>
    public const decimal DemoInputPerMillion = 1.00m;

    /// <summary>The demo's list price in USD per one million output tokens.</summary>
    public const decimal DemoOutputPerMillion = 3.00m;

    public static void AddHostingDefaults(IServiceCollection services) =>
        services.AddSingleton<IPostConfigureOptions<CostingOptions>, DemoPriceSetup>();

    /// <summary>
    /// Prices provider <c>foundation-demo</c> model <c>foundation-demo-1</c> unless <c>Foundation:Costing:Prices:foundation-demo:foundation-demo-1</c>
    /// sets a price of its own.
    /// </summary>
    private sealed class DemoPriceSetup : IPostConfigureOptions<CostingOptions>
    {
        public void PostConfigure(string? name, CostingOptions options)
        {
            if (!options.Prices.TryGetValue(DemoChatClient.SystemName, out var models))
            {
                models = new Dictionary<string, PriceOverrideOptions>(StringComparer.OrdinalIgnoreCase);
                options.Prices[DemoChatClient.SystemName] = models;
            }

            foreach (var model in models.Keys)
            {
                if (string.Equals(model, DemoChatClient.ModelId, StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }

            models[DemoChatClient.ModelId] = new PriceOverrideOptions { InputPerMillion = DemoInputPerMillion, OutputPerMillion = DemoOutputPerMillion };
        }
    }
}
