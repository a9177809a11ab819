using Foundation.Costing.Budgets;
using Microsoft.Extensions.AI;

namespace Foundation.Costing.Metering;

/// <summary>The state of one metered call.</summary>
internal sealed class MeteredCall
{
    public required string TenantId { get; init; }

    public string? UserId { get; init; }

    public string? ApiKeyId { get; init; }

    public string? TeamId { get; init; }

    public required IReadOnlyList<string> Roles { get; init; }

    public string? RequestId { get; init; }

    public required string Provider { get; set; }

    public required string Model { get; set; }

    public string? Deployment { get; set; }

    public long PromptChars { get; init; }

    public long MaxOutputTokens { get; init; }

    public bool Streaming { get; init; }

    public long Started { get; init; }

    public long? FirstToken { get; private set; }

    public required TimeProvider Time { get; init; }

    public BudgetReservation? Reservation { get; set; }

    public bool Completed { get; set; }

    public void MarkFirstToken() => FirstToken ??= Time.GetTimestamp();

    /// <summary>Takes the model the provider answered with and a router's provider / deployment properties.</summary>
    public void Observe(string? modelId, AdditionalPropertiesDictionary? properties)
    {
        if (!string.IsNullOrEmpty(modelId))
        {
            Model = modelId;
        }

        if (properties is null)
        {
            return;
        }

        if (properties.TryGetValue(CostingChatClient.ProviderProperty, out var p) && p is string provider && provider.Length > 0)
        {
            Provider = Pricing.ModelNames.NormalizeProvider(provider);
        }

        if (properties.TryGetValue(CostingChatClient.DeploymentProperty, out var d) && d is string deployment && deployment.Length > 0)
        {
            Deployment = deployment;
        }
    }
}
