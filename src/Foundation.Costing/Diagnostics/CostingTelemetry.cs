using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.Costing.Diagnostics;

/// <summary>
/// The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>Foundation.Costing</c>. Labels are provider, model, token type and
/// budget id / scope kind only: never user ids, tenant ids or API keys (unbounded, and personal).
/// </summary>
public sealed class CostingTelemetry : IDisposable
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "Foundation.Costing";

    /// <summary>The activity source.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _unpriced;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _refusals;
    private readonly ConcurrentDictionary<Guid, (string ScopeKind, double Utilisation)> _utilisation = new();
    private long _droppedTotal;
    private long _unpricedTotal;

    /// <summary>Creates the instruments on a meter of <paramref name="meterFactory"/> (or a plain meter without one).</summary>
    public CostingTelemetry(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _cost = _meter.CreateCounter<double>("foundation.costing.cost", "USD", "Cost of LLM calls in US dollars, by provider and model (priced calls only).");
        _tokens = _meter.CreateCounter<long>("foundation.costing.tokens", "{token}", "Tokens of LLM calls by provider, model and type (input, cached_input, cache_write, output, reasoning).");
        _unpriced = _meter.CreateCounter<long>("foundation.costing.unpriced_requests", "{request}", "Calls whose model has no price: recorded with a null cost, never as free.");
        _dropped = _meter.CreateCounter<long>("foundation.costing.ledger.dropped", "{record}", "Usage records the ledger could not keep (buffer full while the database was down, or shutdown timed out).");
        _refusals = _meter.CreateCounter<long>("foundation.costing.budget.refusals", "{request}", "Calls refused by a hard budget limit, by scope kind.");
        _meter.CreateObservableGauge("foundation.costing.budget.utilisation", ObserveUtilisation, "1",
            "Spent / limit of each budget's current period as last seen by this instance, by budget id and scope kind.");
    }

    /// <summary>The meter (one per service provider when an <see cref="IMeterFactory"/> is registered).</summary>
    internal Meter Meter => _meter;

    /// <summary>Records dropped so far by this instance (tests expect zero).</summary>
    public long DroppedRecords => Interlocked.Read(ref _droppedTotal);

    /// <summary>Unpriced calls so far on this instance.</summary>
    public long UnpricedRequests => Interlocked.Read(ref _unpricedTotal);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    internal void RecordCost(string provider, string model, decimal cost) =>
        _cost.Add((double)cost, new KeyValuePair<string, object?>("gen_ai.provider.name", provider), new KeyValuePair<string, object?>("gen_ai.request.model", model));

    internal void RecordTokens(string provider, string model, string type, long tokens)
    {
        if (tokens > 0)
        {
            _tokens.Add(tokens, new KeyValuePair<string, object?>("gen_ai.provider.name", provider),
                new KeyValuePair<string, object?>("gen_ai.request.model", model), new KeyValuePair<string, object?>("gen_ai.token.type", type));
        }
    }

    internal void RecordUnpriced(string provider, string model)
    {
        Interlocked.Increment(ref _unpricedTotal);
        _unpriced.Add(1, new KeyValuePair<string, object?>("gen_ai.provider.name", provider), new KeyValuePair<string, object?>("gen_ai.request.model", model));
    }

    internal void RecordDropped(long count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _droppedTotal, count);
            _dropped.Add(count);
        }
    }

    internal void RecordRefusal(string scopeKind) => _refusals.Add(1, new KeyValuePair<string, object?>("foundation.costing.budget.scope", scopeKind));

    internal void SetUtilisation(Guid budgetId, string scopeKind, double utilisation) => _utilisation[budgetId] = (scopeKind, utilisation);

    internal void RemoveUtilisation(Guid budgetId) => _utilisation.TryRemove(budgetId, out _);

    private IEnumerable<Measurement<double>> ObserveUtilisation()
    {
        foreach (var (id, value) in _utilisation)
        {
            yield return new Measurement<double>(value.Utilisation,
                new KeyValuePair<string, object?>("foundation.costing.budget.id", id.ToString()),
                new KeyValuePair<string, object?>("foundation.costing.budget.scope", value.ScopeKind));
        }
    }
}
