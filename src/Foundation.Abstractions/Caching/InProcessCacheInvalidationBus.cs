using System.Collections.Concurrent;

namespace Foundation.Caching;

/// <summary>
/// The default <see cref="ICacheInvalidationBus"/>: delivers each message to the subscribers of this process, at once and
/// in the caller's thread. With one instance that is everything; with several, each instance's caches rely on their
/// time-to-live for changes made elsewhere (Foundation.Hosting's Redis bus removes that delay).
/// </summary>
public sealed class InProcessCacheInvalidationBus : ICacheInvalidationBus
{
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _topics = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void Publish(string topic, string key)
    {
        CacheInvalidation.ValidateTopic(topic);
        ArgumentNullException.ThrowIfNull(key);
        Deliver(topic, key);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string topic, Action<string> onInvalidate)
    {
        CacheInvalidation.ValidateTopic(topic);
        ArgumentNullException.ThrowIfNull(onInvalidate);
        _topics.AddOrUpdate(topic, static (_, h) => new ImmutableHandlers([h]), static (_, list, h) => list.With(h), onInvalidate);
        return new Subscription(this, topic, onInvalidate);
    }

    /// <summary>Calls this process's subscribers of <paramref name="topic"/> with <paramref name="key"/>; returns how many were called.</summary>
    public int Deliver(string topic, string key)
    {
        if (!_topics.TryGetValue(topic, out var handlers))
        {
            return 0;
        }

        foreach (var handler in handlers.Items)
        {
            handler(key);
        }

        return handlers.Items.Length;
    }

    private void Unsubscribe(string topic, Action<string> handler)
    {
        while (_topics.TryGetValue(topic, out var current))
        {
            var next = current.Without(handler);
            if (_topics.TryUpdate(topic, next, current))
            {
                return;
            }
        }
    }

    private sealed record ImmutableHandlers(Action<string>[] Items)
    {
        public ImmutableHandlers With(Action<string> handler) => new([.. Items, handler]);

        public ImmutableHandlers Without(Action<string> handler)
        {
            var index = Array.IndexOf(Items, handler);
            return index < 0 ? this : new ImmutableHandlers([.. Items[..index], .. Items[(index + 1)..]]);
        }
    }

    private sealed class Subscription(InProcessCacheInvalidationBus bus, string topic, Action<string> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                bus.Unsubscribe(topic, handler);
            }
        }
    }
}
