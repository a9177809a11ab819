using System.Runtime.CompilerServices;
using Foundation.Callers;
using Foundation.Costing.Budgets;
using Foundation.Costing.Pricing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Metering;

/// <summary>
/// Meters any <see cref="IChatClient"/>: before the call it reserves the worst case against the caller's budgets (refusing with
/// <see cref="BudgetExceededException"/> before the inner client is called), after it prices the usage, settles the budgets and writes
/// one <see cref="UsageRecord"/> (tenant, user, API key, team, provider, model, deployment, tokens, cost, latency, time to first token,
/// status, request id). Streams are metered from their usage content; a stream without one is estimated (characters / 4) and flagged.
/// </summary>
public sealed class CostingChatClient : DelegatingChatClient
{
    /// <summary>The response property a router sets to the deployment it chose.</summary>
    public const string DeploymentProperty = "foundation.deployment";

    /// <summary>The response property a router sets to the provider it called.</summary>
    public const string ProviderProperty = "foundation.provider";

    private readonly CostingMeter _meter;
    private readonly ICurrentCaller _caller;

    /// <summary>Meters <paramref name="innerClient"/> with the services of <c>AddFoundationCosting()</c> from <paramref name="services"/>.</summary>
    /// <param name="innerClient">The client to meter.</param>
    /// <param name="services">The application's (or the request's) services; the caller is read from its <see cref="ICurrentCaller"/>.</param>
    public CostingChatClient(IChatClient innerClient, IServiceProvider services)
        : this(innerClient, Resolve(services), services.GetService<ICurrentCaller>() ?? AnonymousCaller.Instance)
    {
    }

    internal CostingChatClient(IChatClient innerClient, CostingMeter meter, ICurrentCaller caller)
        : base(innerClient)
    {
        _meter = meter;
        _caller = caller;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var messageList = messages as IReadOnlyCollection<ChatMessage> ?? [.. messages];
        var call = _meter.Begin(_caller, InnerClient, messageList, options, streaming: false);
        await _meter.ReserveAsync(call, cancellationToken).ConfigureAwait(false);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messageList, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await _meter.FailAsync(call, ex).ConfigureAwait(false);
            throw;
        }

        call.Observe(response.ModelId, response.AdditionalProperties);
        var usage = response.Usage is null
            ? CostingMeter.Estimate(call.PromptChars, response.Text.Length)
            : TokenUsage.FromUsageDetails(response.Usage);
        await _meter.CompleteAsync(call, usage, UsageStatus.Success, errorType: null).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var messageList = messages as IReadOnlyCollection<ChatMessage> ?? [.. messages];
        var call = _meter.Begin(_caller, InnerClient, messageList, options, streaming: true);
        await _meter.ReserveAsync(call, cancellationToken).ConfigureAwait(false);

        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(messageList, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            await _meter.FailAsync(call, ex).ConfigureAwait(false);
            throw;
        }

        UsageDetails? usage = null;
        long outputChars = 0;
        var finished = false;
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (Exception ex)
                {
                    finished = true;
                    await _meter.FailAsync(call, ex).ConfigureAwait(false);
                    throw;
                }

                call.MarkFirstToken();
                call.Observe(update.ModelId, update.AdditionalProperties);
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case UsageContent u:
                            if (usage is null)
                            {
                                usage = new UsageDetails();
                            }

                            usage.Add(u.Details);
                            break;
                        case TextContent t:
                            outputChars += t.Text?.Length ?? 0;
                            break;
                        case TextReasoningContent r:
                            outputChars += r.Text?.Length ?? 0;
                            break;
                    }
                }

                yield return update;
            }

            finished = true;
            var tokens = usage is null ? CostingMeter.Estimate(call.PromptChars, outputChars) : TokenUsage.FromUsageDetails(usage);
            await _meter.CompleteAsync(call, tokens, UsageStatus.Success, errorType: null).ConfigureAwait(false);
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            if (!finished)
            {
                // The consumer stopped reading (or was cancelled) before the end: meter what was seen.
                var tokens = usage is null ? CostingMeter.Estimate(call.PromptChars, outputChars) : TokenUsage.FromUsageDetails(usage);
                await _meter.CompleteAsync(call, tokens, UsageStatus.Cancelled, errorType: null).ConfigureAwait(false);
            }
        }
    }

    private static CostingMeter Resolve(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService<CostingMeter>()
            ?? throw new InvalidOperationException("Foundation.Costing is not registered: call services.AddFoundationCosting(configuration) before metering a client.");
    }
}
