using Foundation.Callers;
using Foundation.Costing.Internal;
using Foundation.Costing.Metering;
using Foundation.Costing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Analytics;

/// <summary>
/// Totals, KPIs, time series and breakdowns over the usage ledger, and its CSV export. Aggregation happens in SQL (hour buckets are a
/// stored column, so both engines group them); day buckets fold the hours in the query's time zone; p95 latency is the nearest-rank row
/// fetched by an ORDER BY .. OFFSET in SQL. Each method maps to one endpoint: <c>GET /api/v1/costs/summary</c> -> <see cref="GetSummaryAsync"/>,
/// <c>/timeseries</c> -> <see cref="GetTimeSeriesAsync"/>, <c>/by/{dimension}</c> -> <see cref="GetBreakdownAsync"/>, <c>/export</c> ->
/// <see cref="ExportCsvAsync"/>, <c>/api/v1/usage/me</c> -> <see cref="GetCallerUsageAsync"/>.
/// </summary>
public sealed class CostAnalyticsService
{
    /// <summary>The longest custom range accepted.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(366);

    private readonly CostingDbContext _db;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CostingOptions> _options;

    /// <summary>Creates the service.</summary>
    public CostAnalyticsService(CostingDbContext db, TimeProvider time, IOptionsMonitor<CostingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        _time = time;
        _options = options;
    }

    /// <summary>Resolves <paramref name="range"/> (default <c>30d</c>) against now.</summary>
    /// <exception cref="CostingValidationException">Unknown range (<c>range</c>), a custom range without bounds (<c>from</c>, <c>to</c>), reversed or longer than a year.</exception>
    public AnalyticsRange ResolveRange(string? range, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var now = _time.GetUtcNow();
        var name = string.IsNullOrWhiteSpace(range) ? (from is not null || to is not null ? "custom" : "30d") : range.Trim().ToLowerInvariant();
        TimeSpan? span = name switch
        {
            "24h" or "1d" => TimeSpan.FromHours(24),
            "7d" => TimeSpan.FromDays(7),
            "30d" => TimeSpan.FromDays(30),
            "90d" => TimeSpan.FromDays(90),
            "custom" => null,
            _ => throw new CostingValidationException("range", $"range '{range}' is unknown; use 24h, 7d, 30d, 90d or custom (with from and to)."),
        };
        if (span is { } s)
        {
            return new AnalyticsRange(now - s, now, name);
        }

        if (from is null)
        {
            throw new CostingValidationException("from", "from is required for a custom range (ISO 8601, for example 2026-11-01T00:00:00Z).");
        }

        if (to is null)
        {
            throw new CostingValidationException("to", "to is required for a custom range (ISO 8601, for example 2026-12-01T00:00:00Z).");
        }

        if (to <= from)
        {
            throw new CostingValidationException("to", "to must be after from.");
        }

        if (to - from > MaxRange)
        {
            throw new CostingValidationException("to", "A custom range is at most 366 days.");
        }

        return new AnalyticsRange(from.Value.ToUniversalTime(), to.Value.ToUniversalTime(), name);
    }

    /// <summary>Parses a dimension (<c>provider</c>, <c>model</c>, <c>user</c>, <c>tenant</c>, <c>apikey</c>, <c>team</c>, <c>deployment</c>).</summary>
    /// <exception cref="CostingValidationException">Unknown dimension (field <paramref name="field"/>).</exception>
    public static AnalyticsDimension ParseDimension(string? dimension, string field = "dimension") => dimension?.Trim().ToLowerInvariant() switch
    {
        "provider" => AnalyticsDimension.Provider,
        "model" => AnalyticsDimension.Model,
        "user" => AnalyticsDimension.User,
        "tenant" => AnalyticsDimension.Tenant,
        "apikey" or "api_key" or "api-key" => AnalyticsDimension.ApiKey,
        "team" => AnalyticsDimension.Team,
        "deployment" => AnalyticsDimension.Deployment,
        _ => throw new CostingValidationException(field, $"{field} '{dimension}' is unknown; use provider, model, user, tenant, apikey, team or deployment."),
    };

    /// <summary>KPIs of the query's range.</summary>
    public async Task<CostSummary> GetSummaryAsync(AnalyticsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var range = ResolveRange(query.Range, query.From, query.To);
        var q = Filter(query, range);
        var totals = await q.GroupBy(_ => 1).Select(g => new
        {
            Requests = g.LongCount(),
            Errors = g.LongCount(e => e.Status != UsageStatus.Success),
            Cost = g.Sum(e => e.CostNanos ?? 0),
            Unpriced = g.LongCount(e => e.CostNanos == null && e.TotalTokens > 0),
            Input = g.Sum(e => e.InputTokens),
            Cached = g.Sum(e => e.CachedInputTokens),
            Output = g.Sum(e => e.OutputTokens),
            Total = g.Sum(e => e.TotalTokens),
            Latency = g.Average(e => e.LatencyMs),
        }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (totals is null || totals.Requests == 0)
        {
            return new CostSummary(range.From, range.To, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        var users = await q.Where(e => e.UserId != null).Select(e => e.UserId).Distinct().LongCountAsync(cancellationToken).ConfigureAwait(false);
        var rank = (int)Math.Min(int.MaxValue, (long)Math.Ceiling(0.95 * totals.Requests) - 1);
        var p95 = await q.OrderBy(e => e.LatencyMs).Skip(rank).Select(e => e.LatencyMs).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new CostSummary(range.From, range.To, totals.Requests, users, totals.Errors, (double)totals.Errors / totals.Requests, totals.Latency, p95,
            Money.FromNanos(totals.Cost), totals.Unpriced, totals.Input, totals.Cached, totals.Output, totals.Total);
    }

    /// <summary>Hour or day buckets (<paramref name="interval"/> <c>hour</c> or <c>day</c>, default by range: hours up to 7 days), optionally per <paramref name="groupBy"/>.</summary>
    /// <exception cref="CostingValidationException">Unknown <c>interval</c>, <c>groupBy</c> or <c>timeZone</c>, or a bad range.</exception>
    public async Task<IReadOnlyList<TimeSeriesPoint>> GetTimeSeriesAsync(AnalyticsQuery query, string? interval = null, string? groupBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var range = ResolveRange(query.Range, query.From, query.To);
        var zone = TimeZones.Find(query.TimeZone ?? _options.CurrentValue.TimeZone, query.TimeZone is null ? CostingOptions.SectionName + ":TimeZone" : "timeZone");
        var byDay = (interval?.Trim().ToLowerInvariant()) switch
        {
            null or "" => range.To - range.From > TimeSpan.FromDays(7),
            "hour" => false,
            "day" => true,
            _ => throw new CostingValidationException("interval", $"interval '{interval}' is unknown; use hour or day."),
        };
        AnalyticsDimension? dimension = string.IsNullOrWhiteSpace(groupBy) ? null : ParseDimension(groupBy, "groupBy");
        var rows = await Keyed(Filter(query, range), dimension)
            .GroupBy(r => new { r.Hour, r.Key })
            .Select(g => new { g.Key.Hour, g.Key.Key, Requests = g.LongCount(), Errors = g.LongCount(r => r.Status != UsageStatus.Success), Cost = g.Sum(r => r.CostNanos ?? 0), Tokens = g.Sum(r => r.Tokens) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        return [.. rows
            .GroupBy(r => (Start: byDay ? DayStart(r.Hour, zone) : DateTimeOffset.FromUnixTimeSeconds(r.Hour * 3600), r.Key))
            .Select(g => new TimeSeriesPoint(g.Key.Start, g.Key.Key, g.Sum(r => r.Requests), g.Sum(r => r.Errors), Money.FromNanos(g.Sum(r => r.Cost)), g.Sum(r => r.Tokens)))
            .OrderBy(p => p.BucketStart).ThenBy(p => p.Key, StringComparer.Ordinal)];
    }

    /// <summary>Totals per value of <paramref name="dimension"/>, dearest first, at most <paramref name="limit"/> (1-1000) groups.</summary>
    /// <exception cref="CostingValidationException">Unknown <c>dimension</c>, <c>limit</c> out of range, or a bad range.</exception>
    public async Task<IReadOnlyList<BreakdownRow>> GetBreakdownAsync(AnalyticsQuery query, string dimension, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var d = ParseDimension(dimension);
        if (limit is < 1 or > 1000)
        {
            throw new CostingValidationException("limit", "limit must be between 1 and 1000.");
        }

        var range = ResolveRange(query.Range, query.From, query.To);
        var rows = await Keyed(Filter(query, range), d)
            .GroupBy(r => r.Key)
            .Select(g => new
            {
                g.Key,
                Requests = g.LongCount(),
                Errors = g.LongCount(r => r.Status != UsageStatus.Success),
                Cost = g.Sum(r => r.CostNanos ?? 0),
                Unpriced = g.LongCount(r => r.CostNanos == null && r.Tokens > 0),
                Input = g.Sum(r => r.Input),
                Output = g.Sum(r => r.Output),
                Tokens = g.Sum(r => r.Tokens),
                Latency = g.Average(r => r.LatencyMs),
            })
            .OrderByDescending(r => r.Cost).ThenByDescending(r => r.Requests)
            .Take(limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new BreakdownRow(r.Key, r.Requests, r.Errors, Money.FromNanos(r.Cost), r.Unpriced, r.Input, r.Output, r.Tokens, r.Latency))];
    }

    /// <summary>The caller's own totals in its tenant (requests, tokens, cost) over <paramref name="range"/> (default <c>30d</c>).</summary>
    public async Task<CallerUsage> GetCallerUsageAsync(ICurrentCaller caller, string? range = null, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var r = ResolveRange(range, from, to);
        if (caller.UserId is null)
        {
            return new CallerUsage(r.From, r.To, 0, 0, 0, 0, 0, 0);
        }

        var q = Filter(new AnalyticsQuery { TenantId = caller.TenantId ?? "", UserId = caller.UserId }, r);
        var totals = await q.GroupBy(_ => 1).Select(g => new
        {
            Requests = g.LongCount(),
            Input = g.Sum(e => e.InputTokens),
            Output = g.Sum(e => e.OutputTokens),
            Total = g.Sum(e => e.TotalTokens),
            Cost = g.Sum(e => e.CostNanos ?? 0),
            Unpriced = g.LongCount(e => e.CostNanos == null && e.TotalTokens > 0),
        }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return totals is null
            ? new CallerUsage(r.From, r.To, 0, 0, 0, 0, 0, 0)
            : new CallerUsage(r.From, r.To, totals.Requests, totals.Input, totals.Output, totals.Total, Money.FromNanos(totals.Cost), totals.Unpriced);
    }

    /// <summary>
    /// Writes the query's ledger rows as CSV (RFC 4180: comma-separated, CRLF line ends, fields with commas, quotes or line breaks quoted,
    /// quotes doubled) to <paramref name="writer"/>, streaming row by row. Text that a spreadsheet would run as a formula (starting with
    /// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) is prefixed with an apostrophe.
    /// </summary>
    public async Task<long> ExportCsvAsync(AnalyticsQuery query, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(writer);
        var range = ResolveRange(query.Range, query.From, query.To);
        await CsvWriter.WriteRowAsync(writer, CsvWriter.Header).ConfigureAwait(false);
        long count = 0;
        var rows = Filter(query, range).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false);
        await foreach (var e in rows)
        {
            await CsvWriter.WriteRowAsync(writer, CsvWriter.Fields(e)).ConfigureAwait(false);
            count++;
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    private IQueryable<LedgerEntry> Filter(AnalyticsQuery query, AnalyticsRange range)
    {
        var from = range.From;
        var to = range.To;
        var q = _db.Ledger.AsNoTracking().Where(e => e.OccurredAt >= from && e.OccurredAt < to);
        if (query.TenantId is { } tenant)
        {
            q = q.Where(e => e.TenantId == tenant);
        }

        if (!string.IsNullOrWhiteSpace(query.Provider))
        {
            var p = query.Provider.Trim().ToLowerInvariant();
            q = q.Where(e => e.Provider == p);
        }

        if (!string.IsNullOrWhiteSpace(query.Model))
        {
            var m = query.Model.Trim();
            q = q.Where(e => e.Model == m);
        }

        if (!string.IsNullOrWhiteSpace(query.UserId))
        {
            var u = query.UserId;
            q = q.Where(e => e.UserId == u);
        }

        if (!string.IsNullOrWhiteSpace(query.ApiKeyId))
        {
            var k = query.ApiKeyId;
            q = q.Where(e => e.ApiKeyId == k);
        }

        return q;
    }

    private static IQueryable<KeyedRow> Keyed(IQueryable<LedgerEntry> q, AnalyticsDimension? dimension) => dimension switch
    {
        AnalyticsDimension.Provider => q.Select(e => new KeyedRow { Key = e.Provider, Hour = e.HourBucket, Status = e.Status, CostNanos = e.CostNanos, Input = e.InputTokens, Output = e.OutputTokens, Tokens = e.TotalTokens, LatencyMs = e.LatencyMs }),
        AnalyticsDimension.Model => q.Select(e => new KeyedRow { Key = e.Model, Hour = e.HourBucket, Status = e.Status, CostNanos = e.CostNanos, Input = e.InputTokens, Output = e.OutputTokens, Tokens = e.TotalTokens, LatencyMs = e.LatencyMs }),
        AnalyticsDimension.User => q.Select(e => new KeyedRow { Key = e.UserId, Hour = e.HourBucket, Status = e.Status, CostNanos = e.CostNanos, Input = e.InputTokens, Output = e.OutputTokens, Tokens = e.TotalTokens, LatencyMs = e.LatencyMs }),
        AnalyticsDimension.Tenant => q.Select(e => new KeyedRow { Key = e.TenantId, Hour = e.HourBucket, Status = e.Status, CostNanos = e.CostNanos, Input = e.InputTokens, Output = e.OutputTokens, Tokens = e.TotalTokens, LatencyMs = e.LatencyMs }),
        AnalyticsDimension.ApiKey => q.Select(e => new KeyedRow { Key = e.ApiKeyId, Hour = e.HourBucket, Status = e.Status, CostNanos = e.CostNanos, Input = e.InputTokens, Output = e.OutputTokens, Tokens = e.TotalTokens, LatencyMs = e.LatencyMs }),
        AnalyticsDimension.Team => q.Select(e => new KeyedRow { Key = e.TeamId, Hour = e.HourBucket, Status = e.Status, CostNanos = e.CostNanos, Input = e.InputTokens, Output = e.OutputTokens, Tokens = e.TotalTokens, LatencyMs = e.LatencyMs }),
        AnalyticsDimension.Deployment => q.Select(e => new KeyedRow { Key = e.Deployment, Hour = e.HourBucket, Status = e.Status, CostNanos = e.CostNanos, Input = e.InputTokens, Output = e.OutputTokens, Tokens = e.TotalTokens, LatencyMs = e.LatencyMs }),
        _ => q.Select(e => new KeyedRow { Key = null, Hour = e.HourBucket, Status = e.Status, CostNanos = e.CostNanos, Input = e.InputTokens, Output = e.OutputTokens, Tokens = e.TotalTokens, LatencyMs = e.LatencyMs }),
    };

    private static DateTimeOffset DayStart(long hour, TimeZoneInfo zone)
    {
        var instant = DateTimeOffset.FromUnixTimeSeconds(hour * 3600);
        return Budgets.BudgetPeriods.Current(Budgets.BudgetPeriod.Day, instant, zone).Start;
    }

    private sealed class KeyedRow
    {
        public string? Key { get; init; }

        public long Hour { get; init; }

        public UsageStatus Status { get; init; }

        public long? CostNanos { get; init; }

        public long Input { get; init; }

        public long Output { get; init; }

        public long Tokens { get; init; }

        public double LatencyMs { get; init; }
    }
}
