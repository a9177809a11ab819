using Foundation.Llm.ProviderKeys.Http;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.Llm.ProviderKeys' HTTP API.</summary>
public static class ProviderKeysEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps bring-your-own-key under <c>/api/v1/provider-keys</c> for the signed-in user (policy
    /// <c>FoundationPolicies.UserSession</c>; tenant-wide keys for callers that satisfy <c>FoundationPolicies.Admin</c>):
    /// <c>POST /</c> stores a key (encrypted, never shown again), <c>GET /</c> lists the caller's and the tenant's keys (hints only),
    /// <c>DELETE /{id}</c> deletes one and <c>POST /{id}/test</c> checks it live against its provider. Invalid input is a 400 problem
    /// naming the field, a tenant-wide key without the role 403, a base URL the outbound address guard refuses 422. Returns the group.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    public static RouteGroupBuilder MapFoundationLlmProviderKeysApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return ProviderKeyEndpoints.MapProviderKeyEndpoints(endpoints);
    }
}
