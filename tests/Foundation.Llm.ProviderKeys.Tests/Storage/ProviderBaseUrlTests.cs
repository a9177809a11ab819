using Foundation.Llm.Routing.Outbound;
using Foundation.Llm.Routing.Storage;

namespace Foundation.Llm.ProviderKeys.Tests.Storage;

/// <summary>A stored key's base URL is checked at creation against the router's outbound address guard.</summary>
public sealed class ProviderBaseUrlTests
{

}
