namespace Foundation.Costing.Budgets;

/// <summary>A host's hook for budget events (send an e-mail, call a webhook). Every registered handler is called; a failing one is logged and skipped.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The hook's published name; it handles budget events, it is not a .NET event delegate.")]
public interface IBudgetEventHandler
{
    /// <summary>Handles <paramref name="budgetEvent"/>.</summary>
    ValueTask HandleAsync(BudgetEvent budgetEvent, CancellationToken cancellationToken);
}
