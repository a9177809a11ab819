using Foundation.Costing.Budgets;

namespace Foundation.Sample.Web;

/// <summary>
/// Gives the sample's users a budget on the first run, so costs and refusals can be seen without configuration: each owner, admin and
/// member of the default tenant may spend $1 a month on LLM calls (the demo deployment is priced). Budgets an administrator already
/// created (or deleted and replaced) are left alone: one is only added while no budget of that name exists.
/// </summary>
internal sealed partial class SampleBudgets(IServiceScopeFactory scopes, ILogger<SampleBudgets> logger) : IHostedService
{
    /// <summary>The monthly limit of each seeded role budget, in USD.</summary>
    public const decimal MonthlyUsd = 1m;

    /// <summary>The roles that get a budget.</summary>
    public static readonly string[] Roles = ["owner", "admin", "member"];

    public static string NameOf(string role) => role + " monthly";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SeedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            // The database is unreachable or not migrated (Foundation:Database:MigrateOnStartup false): the app still starts, and
            // /health/ready says what is wrong.
            LogNotSeeded(logger, ex);
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var budgets = scope.ServiceProvider.GetRequiredService<BudgetService>();
            var existing = await budgets.ListAsync("", cancellationToken).ConfigureAwait(false);
            foreach (var role in Roles)
            {
                var name = NameOf(role);
                if (existing.Any(b => string.Equals(b.Name, name, StringComparison.Ordinal)))
                {
                    continue;
                }

                try
                {
                    await budgets.CreateAsync("", new BudgetDefinition
                    {
                        Name = name, Scope = "role", ScopeValue = role, Period = "month", LimitUsd = MonthlyUsd, HardLimit = true,
                    }, cancellationToken).ConfigureAwait(false);
                    LogSeeded(logger, name, MonthlyUsd);
                }
                catch (BudgetConflictException)
                {
                    // Another instance created it first.
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Sample budgets not seeded: the Costing tables cannot be read")]
    private static partial void LogNotSeeded(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Sample budget '{Name}' created: ${LimitUsd} a month for each holder of the role")]
    private static partial void LogSeeded(ILogger logger, string name, decimal limitUsd);
}
