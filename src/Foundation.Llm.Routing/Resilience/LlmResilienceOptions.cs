namespace Foundation.Llm.Routing;

/// <summary>
/// How the router retries, falls back and cools deployments down, bound from <c>Foundation:Llm:Resilience</c>.
/// A failed attempt on a transient error (429, 5xx, overloaded, timeout, malformed answer) moves at once to the next untried
/// deployment of the alias; when every candidate has failed, a new round starts after a jittered exponential backoff
/// (or the provider's Retry-After, capped by <see cref="MaxDelay"/>), at most <see cref="MaxRetries"/> times.
/// </summary>
public sealed class LlmResilienceOptions
{
    /// <summary>The longest one attempt may take (for a stream: until its first update). Default 100 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Rounds over the candidates after the first one has failed entirely. Default 2; 0 disables retries (fallbacks still happen).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The backoff before the first retry round; doubles per round, with jitter. Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between rounds, a provider's Retry-After included. Default 20 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The longest a whole request may take, retries and fallbacks included (for a stream: until its first update). Default 5 minutes.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Consecutive failures after which a deployment is taken out of rotation. Default 3. Attempts on a caller's own key (bring
    /// your own key) never count: their failure reaches that caller alone, without fallback or retry.
    /// </summary>
    public int CooldownFailures { get; set; } = 3;

    /// <summary>How long a deployment stays out of rotation after <see cref="CooldownFailures"/> consecutive failures. Default 30 seconds.</summary>
    public TimeSpan CooldownPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times one request may move to a context-window or content-policy fallback alias. Default 2.</summary>
    public int MaxAliasFallbacks { get; set; } = 2;
}
