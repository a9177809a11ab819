using Foundation.Callers;
using Microsoft.Extensions.AI;

namespace Foundation.Costing.Metering;

/// <summary>Extension methods to meter an <see cref="IChatClient"/>.</summary>
public static class CostingChatClientExtensions
{
    /// <summary>
    /// Wraps <paramref name="client"/> in a <see cref="CostingChatClient"/> using the services registered by <c>AddFoundationCosting()</c>.
    /// </summary>
    /// <param name="client">The client to meter (any provider, or a router).</param>
    /// <param name="services">The application's services (or a request scope's, for a scoped <see cref="ICurrentCaller"/>).</param>
    public static CostingChatClient UseFoundationCosting(this IChatClient client, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new CostingChatClient(client, services);
    }
}
