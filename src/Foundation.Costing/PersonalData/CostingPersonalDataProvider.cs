using System.Text.Json;
using Foundation.Costing.Storage;
using Foundation.PersonalData;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Costing.PersonalData;

/// <summary>
/// Foundation.Costing's personal data (section <c>costing</c>): the user's usage records (model, tokens, cost, status, time). Erasing
/// anonymises them: the user id is cleared, the amounts stay, so the tenant's totals, analytics and budgets stay right (the rows no longer
/// say whose they were). Budget definitions scoped to the user are configuration of the tenant and are left to its administrators.
/// </summary>
internal sealed class CostingPersonalDataProvider : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly CostingDbContext _db;

    public CostingPersonalDataProvider(CostingDbContext db) => _db = db;

    public string Name => "costing";

    public async Task<JsonElement?> ExportAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var user = subject.UserId;
        var rows = await _db.Ledger.AsNoTracking().Where(e => e.TenantId == subject.TenantId && e.UserId == user).ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        return JsonSerializer.SerializeToElement(new
        {
            Usage = rows.OrderBy(e => e.OccurredAt).Select(e => new
            {
                e.Id, e.OccurredAt, e.Provider, e.Model, e.Deployment, e.ApiKeyId, e.InputTokens, e.CachedInputTokens, e.CacheWriteInputTokens, e.OutputTokens,
                e.ReasoningTokens, e.TotalTokens, CostUsd = e.CostNanos is { } n ? n / 1_000_000_000m : (decimal?)null, e.Estimated,
                Status = e.Status.ToString().ToLowerInvariant(), e.ErrorType, e.RequestId,
            }),
        }, Json);
    }

    public async Task<PersonalDataErasure> EraseAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var user = subject.UserId;

        // One statement, so one transaction: every row of the user or none.
        var anonymised = await _db.Ledger.Where(e => e.TenantId == subject.TenantId && e.UserId == user)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.UserId, (string?)null).SetProperty(e => e.RequestId, (string?)null), cancellationToken)
            .ConfigureAwait(false);
        return new PersonalDataErasure(0, anonymised, anonymised == 0 ? null : "usage records kept without the user id, so tenant totals and budgets stay right");
    }
}
