using Foundation.Internal;
using System.Globalization;
using Foundation.Costing.Internal;
using Foundation.Costing.Storage;

namespace Foundation.Costing.Analytics;

/// <summary>RFC 4180 CSV with formula-injection protection.</summary>
internal static class CsvWriter
{
    internal static readonly string?[] Header =
    [
        "occurred_at", "tenant_id", "user_id", "api_key_id", "team_id", "provider", "model", "deployment", "input_tokens", "cached_input_tokens",
        "cache_write_input_tokens", "output_tokens", "reasoning_tokens", "total_tokens", "cost_usd", "latency_ms", "ttft_ms", "status", "error_type",
        "request_id", "estimated", "streaming",
    ];

    /// <summary>
    /// One field: quoted when it contains a comma, a quote, CR or LF (quotes doubled); text starting with <c>=</c>, <c>+</c>, <c>-</c>,
    /// <c>@</c>, tab or CR gets a leading apostrophe so a spreadsheet shows it instead of evaluating it. <see langword="null"/> is empty.
    /// </summary>
    public static string Escape(string? value) => CsvText.Escape(value);

    internal static Task WriteRowAsync(TextWriter writer, IReadOnlyList<string?> fields) => CsvText.WriteRowAsync(writer, fields);

    internal static string?[] Fields(LedgerEntry e)
    {
        var c = CultureInfo.InvariantCulture;
        return
        [
            e.OccurredAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", c), Escape(e.TenantId), Escape(e.UserId), Escape(e.ApiKeyId), Escape(e.TeamId),
            Escape(e.Provider), Escape(e.Model), Escape(e.Deployment), e.InputTokens.ToString(c), e.CachedInputTokens.ToString(c), e.CacheWriteInputTokens.ToString(c),
            e.OutputTokens.ToString(c), e.ReasoningTokens.ToString(c), e.TotalTokens.ToString(c), e.CostNanos is { } n ? Money.FromNanos(n).ToString(c) : "",
            e.LatencyMs.ToString("0.###", c), e.TimeToFirstTokenMs?.ToString("0.###", c) ?? "", e.Status.ToString().ToLowerInvariant(), Escape(e.ErrorType),
            Escape(e.RequestId), e.Estimated ? "true" : "false", e.Streaming ? "true" : "false",
        ];
    }
}
