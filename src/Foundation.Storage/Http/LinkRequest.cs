using System.Text.Json.Serialization;

namespace Foundation.Storage.Http;

/// <summary>The body of <c>POST /api/v1/files/{id}/link</c> (optional).</summary>
/// <param name="ExpiresInSeconds">How long the link stays valid; default <c>Foundation:Storage:Links:DefaultLifetimeSeconds</c>.</param>
public sealed record LinkRequest([property: JsonPropertyName("expiresInSeconds")] int? ExpiresInSeconds);
