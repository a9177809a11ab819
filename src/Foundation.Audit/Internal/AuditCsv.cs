using System.Globalization;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;

namespace Foundation.Audit.Internal;

/// <summary>RFC 4180 CSV with formula-injection protection (the same rules as Foundation.Costing's export).</summary>
internal static class AuditCsv
{
    internal static readonly string?[] Header =
    [
        "seq", "id", "occurred_at", "tenant_id", "actor_type", "actor_user_id", "actor_api_key_id", "action", "target_type", "target_id", "outcome",
        "severity", "client_ip", "user_agent", "request_id", "details", "prev_hash", "hash",
    ];

    /// <summary>
    /// One field: quoted when it contains a comma, a quote, CR or LF (quotes doubled); text starting with <c>=</c>, <c>+</c>, <c>-</c>,
    /// <c>@</c>, tab or CR gets a leading apostrophe so a spreadsheet shows it instead of evaluating it. <see langword="null"/> is empty.
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static async Task WriteRowAsync(TextWriter writer, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                await writer.WriteAsync(',').ConfigureAwait(false);
            }

            await writer.WriteAsync(fields[i]).ConfigureAwait(false);
        }

        await writer.WriteAsync("\r\n").ConfigureAwait(false);
    }

    public static string?[] Fields(AuditEventEntity e) =>
    [
        e.Seq.ToString(CultureInfo.InvariantCulture), e.Id.ToString("D"), AuditCanonicalForm.Timestamp(e.OccurredAt), Escape(e.TenantId), Escape(e.ActorType),
        Escape(e.ActorUserId), Escape(e.ActorApiKeyId), Escape(e.Action), Escape(e.TargetType), Escape(e.TargetId), Escape(e.Outcome), Escape(e.Severity),
        Escape(e.ClientIp), Escape(e.UserAgent), Escape(e.RequestId), Escape(e.Details), e.PrevHash, e.Hash,
    ];
}
