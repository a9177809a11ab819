namespace Foundation.Caching;

/// <summary>
/// Tells every instance of an application to forget a cached entry. A package that caches per instance (API keys,
/// sessions, 2FA enrolment, budget definitions) subscribes to its topic and evicts what a message names; whatever
/// changes the underlying data publishes to it.
/// </summary>
/// <remarks>
/// <para>
/// Delivery is best effort: a message may be lost (the transport is down, an instance is restarting), so a cache that
/// subscribes must keep its time-to-live as the backstop. <see cref="Publish"/> never throws because the transport is
/// unreachable and never waits for delivery.
/// </para>
/// <para>
/// The default, <see cref="InProcessCacheInvalidationBus"/>, reaches the subscribers of this process only (one instance).
/// Foundation.Hosting replaces it with Redis pub/sub when <c>Foundation:Redis:Configuration</c> is set, so a message
/// reaches every instance, typically within milliseconds.
/// </para>
/// </remarks>
public interface ICacheInvalidationBus
{
    /// <summary>
    /// Asks every subscriber of <paramref name="topic"/>, on this instance and on the others, to forget <paramref name="key"/>.
    /// Subscribers on this instance are called before this returns; other instances are reached asynchronously.
    /// </summary>
    /// <param name="topic">The cache's topic, such as <c>foundation.auth.api-keys</c> (letters, digits, '.', '-', '_').</param>
    /// <param name="key">The entry to forget, or <see cref="CacheInvalidation.AllKeys"/> for every entry of the topic.</param>
    void Publish(string topic, string key);

    /// <summary>
    /// Calls <paramref name="onInvalidate"/> with the key of every message published to <paramref name="topic"/> (here or on
    /// another instance) until the returned handle is disposed. The handler runs on the transport's thread: keep it short
    /// and let it not throw.
    /// </summary>
    IDisposable Subscribe(string topic, Action<string> onInvalidate);
}

/// <summary>Conventions shared by the publishers and subscribers of <see cref="ICacheInvalidationBus"/>.</summary>
public static class CacheInvalidation
{
    /// <summary>The key that means "forget every entry of the topic": <c>*</c>.</summary>
    public const string AllKeys = "*";

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="topic"/> is not a valid topic name.</summary>
    public static void ValidateTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        foreach (var c in topic)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                throw new ArgumentException($"The cache-invalidation topic '{topic}' may contain only ASCII letters, digits, '.', '-' and '_'.", nameof(topic));
            }
        }
    }
}
