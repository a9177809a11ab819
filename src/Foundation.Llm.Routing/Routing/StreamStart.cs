using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>A stream that produced its first update (or ended without any) on <see cref="Deployment"/>.</summary>
internal sealed record StreamStart(IAsyncEnumerator<ChatResponseUpdate> Enumerator, ChatResponseUpdate? First, CancellationTokenSource Cancellation, LlmDeployment Deployment, bool CallerKey);
