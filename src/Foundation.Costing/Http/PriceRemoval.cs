using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Foundation.Costing.Http;

/// <summary>
/// Which price to remove (<c>DELETE /api/v1/costs/prices</c> and <c>/global</c>): <c>{provider, model, effectiveFrom?}</c> as a JSON body
/// or as query parameters (the body wins field by field).
/// </summary>
/// <param name="Provider">Provider, for example <c>openai</c>.</param>
/// <param name="Model">Model id, for example <c>gpt-4o-mini</c>.</param>
/// <param name="EffectiveFrom">The date of the one price to remove; every date when left out.</param>
public sealed record PriceRemoval(string? Provider, string? Model, DateTimeOffset? EffectiveFrom)
{
    internal static async Task<PriceRemoval> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        PriceRemoval? body = null;
        if (request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0))
        {
            if (!request.HasJsonContentType())
            {
                throw new CostingValidationException("body", "The body must be JSON (Content-Type: application/json): {\"provider\": ..., \"model\": ..., \"effectiveFrom\": ...}.");
            }

            try
            {
                body = await request.ReadFromJsonAsync<PriceRemoval>(cancellationToken).ConfigureAwait(false);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new CostingValidationException(ex.Path is { Length: > 2 } path ? path[2..] : "body", $"The body is not valid JSON at '{ex.Path ?? "$"}': {{\"provider\": ..., \"model\": ..., \"effectiveFrom\": ...}}.");
            }
        }

        var provider = body?.Provider ?? Query(request, "provider");
        var model = body?.Model ?? Query(request, "model");
        var from = body?.EffectiveFrom ?? QueryDate(request, "effectiveFrom");
        if (string.IsNullOrWhiteSpace(provider))
        {
            throw new CostingValidationException("provider", "provider is required (in the JSON body or the query) to name the price to remove.");
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            throw new CostingValidationException("model", "model is required (in the JSON body or the query) to name the price to remove.");
        }

        return new PriceRemoval(provider, model, from);
    }

    private static string? Query(HttpRequest request, string name) => request.Query[name].ToString() is { Length: > 0 } v ? v : null;

    private static DateTimeOffset? QueryDate(HttpRequest request, string name) =>
        Query(request, name) is not { } value
            ? null
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : throw new CostingValidationException(name, $"{name} '{value}' is not a date; use ISO 8601, for example 2026-11-01T00:00:00Z.");
}
