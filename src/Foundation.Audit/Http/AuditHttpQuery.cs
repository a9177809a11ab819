using System.Globalization;
using Foundation.Audit.Query;
using Microsoft.AspNetCore.Http;

namespace Foundation.Audit.Http;

/// <summary>Reads an <see cref="AuditQuery"/> from a query string, refusing unknown parameters and malformed values by name.</summary>
internal static class AuditHttpQuery
{
    internal static readonly string[] FilterNames = ["actor", "action", "targetType", "targetId", "outcome", "from", "to"];
    internal static readonly string[] PageNames = [.. FilterNames, "limit", "pageToken"];
    internal static readonly string[] ExportNames = [.. FilterNames, "format"];

    public static AuditQuery Parse(IQueryCollection query, string[] allowed)
    {
        foreach (var (name, values) in query)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                throw new AuditValidationException(name, $"'{name}' is not a filter of this endpoint; use {string.Join(", ", allowed)}.");
            }

            if (values.Count > 1)
            {
                throw new AuditValidationException(name, $"'{name}' is given more than once.");
            }
        }

        return new AuditQuery
        {
            Actor = Text(query, "actor"),
            ActionPrefix = Text(query, "action"),
            TargetType = Text(query, "targetType"),
            TargetId = Text(query, "targetId"),
            Outcome = Text(query, "outcome"),
            From = Time(query, "from"),
            To = Time(query, "to"),
            Limit = Int(query, "limit"),
            PageToken = Text(query, "pageToken"),
        };
    }

    public static string? Text(IQueryCollection query, string name) => query.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        var text = Text(query, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new AuditValidationException(name, $"{name} is '{text}', not a date and time; use ISO 8601 such as 2026-12-03T08:00:00Z.");
    }

    private static int? Int(IQueryCollection query, string name)
    {
        var text = Text(query, name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new AuditValidationException(name, string.Create(CultureInfo.InvariantCulture, $"{name} is '{text}'; use a whole number from 1 to {AuditQuery.MaxLimit}."));
    }
}
