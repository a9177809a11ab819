using Foundation.Costing.Storage;

namespace Foundation.Costing.Budgets;

/// <summary>What a metered call asks the budgets for: who calls, and the worst case of the call.</summary>
/// <param name="TenantId">Tenant ("" when none).</param>
/// <param name="UserId">User.</param>
/// <param name="TeamId">Team.</param>
/// <param name="ApiKeyId">API key id.</param>
/// <param name="Roles">Roles.</param>
/// <param name="CostUsd">The worst-case cost (estimated prompt tokens + max output tokens at the model's prices; 0 when unpriced).</param>
/// <param name="Tokens">The worst-case tokens.</param>
/// <param name="RequestId">For audit correlation.</param>
public sealed record BudgetDemand(string TenantId, string? UserId, string? TeamId, string? ApiKeyId, IReadOnlyList<string> Roles, decimal CostUsd, long Tokens, string? RequestId = null);

/// <summary>A reservation held against every budget that applied to a call, until it is settled or released.</summary>
public sealed class BudgetReservation
{
    internal BudgetReservation(Guid id, BudgetDemand demand, IReadOnlyList<ReservedItem> items)
    {
        Id = id;
        Demand = demand;
        Items = items;
        Leases = [];
    }

    internal BudgetReservation(BudgetDemand demand, LeaseTake[] leases)
    {
        Id = Guid.Empty;
        Demand = demand;
        Items = [];
        Leases = leases;
    }

    /// <summary>No budget applied: nothing to settle.</summary>
    public static BudgetReservation None { get; } = new(Guid.Empty, new BudgetDemand("", null, null, null, [], 0, 0), []);

    /// <summary>The reservation id (<see cref="Guid.Empty"/> when the call was admitted against this instance's budget leases, in memory).</summary>
    public Guid Id { get; }

    /// <summary>The demand reserved.</summary>
    public BudgetDemand Demand { get; }

    /// <summary>Whether no budget applied.</summary>
    public bool IsEmpty => Items.Count == 0 && Leases.Length == 0;

    /// <summary>The budgets reserved against.</summary>
    public IEnumerable<Guid> BudgetIds => Items.Select(i => i.Budget.Id).Concat(Leases.Select(l => l.Account.Key.BudgetId));

    internal IReadOnlyList<ReservedItem> Items { get; }

    /// <summary>What the call took from this instance's slices (decision 0012); empty when it was reserved in the database.</summary>
    internal LeaseTake[] Leases { get; }
}

/// <summary>One budget period row a reservation holds an amount on.</summary>
internal sealed record ReservedItem(Guid RowId, BudgetEntity Budget, string Subject, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, long CostNanos, long Tokens);
