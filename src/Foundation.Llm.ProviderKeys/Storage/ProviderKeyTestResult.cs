namespace Foundation.Llm.Routing.Storage;

/// <summary>The outcome of a live check of a stored key.</summary>
/// <param name="Ok">Whether the provider accepted the key (a 2xx answer).</param>
/// <param name="Status">The provider's HTTP status, or <see langword="null"/> when it did not answer.</param>
/// <param name="LatencyMs">How long the check took, in milliseconds.</param>
/// <param name="Message">What happened, in words (never the key).</param>
public sealed record ProviderKeyTestResult(bool Ok, int? Status, long LatencyMs, string Message);
