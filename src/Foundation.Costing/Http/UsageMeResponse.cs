using Foundation.Costing.Analytics;
using Foundation.Costing.Budgets;

namespace Foundation.Costing.Http;

/// <summary>The answer of <c>GET /api/v1/usage/me</c>.</summary>
/// <param name="Usage">The caller's totals over the range.</param>
/// <param name="Budgets">The budgets that apply to the caller, with the caller's own counters for role budgets.</param>
public sealed record UsageMeResponse(CallerUsage Usage, IReadOnlyList<BudgetView> Budgets);
