namespace Foundation.Auth;

/// <summary>API keys, bound from <c>Foundation:Auth:ApiKeys</c>.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The most keys one user may hold. Default 50.</summary>
    public int MaxKeysPerUser { get; set; } = 50;

    /// <summary>
    /// How often the uses counted in memory are written to the key records (<see cref="ApiKeys.ApiKeyUsageRecorder"/>).
    /// Default 5 seconds; 100 milliseconds to 5 minutes.
    /// </summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromSeconds(5);
}
