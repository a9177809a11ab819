using Foundation.Llm.Routing.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the OpenAI-compatible gateway needs beyond the router.</summary>
public static class LlmGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OpenAIProblemDetailsWriter"/> before every other problem-details writer (also when <c>AddProblemDetails</c>
    /// ran first), so problems written for <c>/v1</c> requests (by <c>UseExceptionHandler</c>, <c>UseStatusCodePages</c>, a rate
    /// limiter's rejection, authorization) answer in OpenAI's error shape; other routes keep RFC 9457 problem details. Also calls
    /// <c>AddProblemDetails()</c>. Calling it again does nothing.
    /// </summary>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddFoundationLlmGatewayErrors(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(IProblemDetailsWriter) && d.ImplementationType == typeof(OpenAIProblemDetailsWriter)))
        {
            var descriptor = ServiceDescriptor.Singleton<IProblemDetailsWriter, OpenAIProblemDetailsWriter>();
            var index = -1;
            for (var i = 0; i < services.Count; i++)
            {
                if (services[i].ServiceType == typeof(IProblemDetailsWriter))
                {
                    index = i;
                    break;
                }
            }

            if (index >= 0)
            {
                services.Insert(index, descriptor);
            }
            else
            {
                services.Add(descriptor);
            }
        }

        services.AddProblemDetails();
        return services;
    }
}
