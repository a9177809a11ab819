using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Names the deployment that served a response (or a stream's first update) in its additional properties
/// (<see cref="LlmRouter.DeploymentPropertyName"/>, <see cref="LlmRouter.ProviderPropertyName"/>).
/// </summary>
internal static class DeploymentStamp
{
    public static void Stamp(AdditionalPropertiesDictionary properties, LlmDeployment deployment)
    {
        properties[LlmRouter.DeploymentPropertyName] = deployment.Name;
        properties[LlmRouter.ProviderPropertyName] = deployment.ProviderName;
    }
}
