using System.Globalization;
using Foundation.Callers;
using Foundation.Costing.Analytics;
using Microsoft.AspNetCore.Http;

namespace Foundation.Costing.Http;

/// <summary>Reads Costing's query parameters: text of at most 200 characters, ISO 8601 dates, whole numbers 1-1000; anything else is a 400 naming the parameter.</summary>
internal static class CostingHttpQuery
{
    /// <summary>The caller's tenant (the default tenant is empty), never one named by the request.</summary>
    public static string Tenant(ICurrentCaller caller) => caller.TenantId ?? "";

    public static AnalyticsQuery Analytics(HttpRequest request, ICurrentCaller caller) => new()
    {
        TenantId = Tenant(caller),
        Range = Text(request, "range"),
        From = Date(request, "from"),
        To = Date(request, "to"),
        Provider = Text(request, "provider"),
        Model = Text(request, "model"),
        UserId = Text(request, "userId"),
        ApiKeyId = Text(request, "apiKeyId"),
        TimeZone = Text(request, "timeZone"),
    };

    public static string? Text(HttpRequest request, string name)
    {
        var value = request.Query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return value.Length <= 200 ? value : throw new CostingValidationException(name, $"{name} is at most 200 characters.");
    }

    public static DateTimeOffset? Date(HttpRequest request, string name)
    {
        var value = Text(request, name);
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw new CostingValidationException(name, $"{name} '{value}' is not a date; use ISO 8601, for example 2026-11-01T00:00:00Z.");
    }

    public static int? Int(HttpRequest request, string name)
    {
        var value = Text(request, name);
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 1000
            ? parsed
            : throw new CostingValidationException(name, $"{name} '{value}' must be a whole number from 1 to 1000.");
    }
}
