using Foundation.Caching;
using Foundation.Hosting.Internal;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Foundation.Hosting.Redis;

/// <summary>
/// <see cref="ICacheInvalidationBus"/> over Redis pub/sub (channel <c>{KeyPrefix}cache-invalidation</c>): a message is delivered
/// to this instance's subscribers at once and to the other instances' subscribers as soon as Redis relays it (milliseconds on a
/// healthy network). Pub/sub is fire-and-forget: a message published while Redis is down, or while an instance is disconnected,
/// is lost, so every cache keeps its TTL as the backstop; and when this instance's connection comes back it clears every
/// subscribed cache once, because it may have missed messages meanwhile.
/// </summary>
internal sealed partial class RedisCacheInvalidationBus : ICacheInvalidationBus, IDisposable
{
    /// <summary>The channel (after the prefix).</summary>
    public const string ChannelName = "cache-invalidation";

    private readonly InProcessCacheInvalidationBus _local = new();
    private readonly RedisConnection _redis;
    private readonly ILogger<RedisCacheInvalidationBus> _logger;
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly RedisChannel _channel;
    private ChannelMessageQueue? _subscription;
    private bool _attached;

    public RedisCacheInvalidationBus(RedisConnection redis, ILogger<RedisCacheInvalidationBus> logger)
    {
        _redis = redis;
        _logger = logger;
        _channel = redis.Channel(ChannelName);
    }

    public void Publish(string topic, string key)
    {
        CacheInvalidation.ValidateTopic(topic);
        ArgumentNullException.ThrowIfNull(key);
        _local.Deliver(topic, key);
        EnsureSubscribed();
        if (!_redis.IsConnected)
        {
            HostingTelemetry.CacheInvalidationsNotSent.Add(1, new KeyValuePair<string, object?>("topic", topic));
            LogNotSent(_logger, topic);
            return;
        }

        try
        {
            _redis.Multiplexer.GetSubscriber().Publish(_channel, Encode(topic, key), CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            HostingTelemetry.CacheInvalidationsNotSent.Add(1, new KeyValuePair<string, object?>("topic", topic));
            LogNotSent(_logger, topic);
        }
    }

    public IDisposable Subscribe(string topic, Action<string> onInvalidate)
    {
        var subscription = _local.Subscribe(topic, onInvalidate);
        lock (_gate)
        {
            _topics.Add(topic);
        }

        EnsureSubscribed();
        return subscription;
    }

    /// <summary>Subscribes to the channel once (and hooks reconnection) when Redis is configured; retried on later calls while Redis is down.</summary>
    internal void EnsureSubscribed()
    {
        if (Volatile.Read(ref _subscription) is not null || !_redis.IsConfigured)
        {
            return;
        }

        lock (_gate)
        {
            if (_subscription is not null)
            {
                return;
            }

            var multiplexer = _redis.Multiplexer;
            if (!_attached)
            {
                multiplexer.ConnectionRestored += OnConnectionRestored;
                _attached = true;
            }

            if (!multiplexer.IsConnected)
            {
                return;
            }

            try
            {
                var queue = multiplexer.GetSubscriber().Subscribe(_channel);
                queue.OnMessage(message => Receive(message.Message));
                Volatile.Write(ref _subscription, queue);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogSubscribeFailed(_logger, ex);
            }
        }
    }

    public void Dispose()
    {
        if (_attached && _redis.IsConfigured)
        {
            _redis.Multiplexer.ConnectionRestored -= OnConnectionRestored;
        }

        try
        {
            _subscription?.Unsubscribe(CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // Shutting down: nothing to unsubscribe from.
        }
    }

    internal static string Encode(string topic, string key, string origin) => string.Concat(topic, "\n", origin, "\n", key);

    private string Encode(string topic, string key) => Encode(topic, key, _origin);

    private void Receive(RedisValue value)
    {
        var text = (string?)value;
        if (text is null)
        {
            return;
        }

        var first = text.IndexOf('\n', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf('\n', first + 1);
        if (second < 0)
        {
            return;
        }

        var origin = text.AsSpan(first + 1, second - first - 1);
        if (origin.SequenceEqual(_origin))
        {
            return; // delivered locally when published
        }

        var topic = text[..first];
        var key = text[(second + 1)..];
        try
        {
            HostingTelemetry.CacheInvalidationsReceived.Add(1, new KeyValuePair<string, object?>("topic", topic));
            _local.Deliver(topic, key);
        }
#pragma warning disable CA1031 // a subscriber's failure must not stop the delivery of the next message
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, topic, ex);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        EnsureSubscribed();

        // Messages published while this instance was cut off are lost: forget everything once rather than wait out the TTLs.
        string[] topics;
        lock (_gate)
        {
            topics = [.. _topics];
        }

        foreach (var topic in topics)
        {
            _local.Deliver(topic, CacheInvalidation.AllKeys);
        }
    }

    [LoggerMessage(EventId = 9111, Level = LogLevel.Warning,
        Message = "Redis is unreachable: the invalidation of '{Topic}' reached this instance only; the other instances see the change when their cache entries expire.")]
    private static partial void LogNotSent(ILogger logger, string topic);

    [LoggerMessage(EventId = 9112, Level = LogLevel.Warning, Message = "Could not subscribe to Redis cache invalidations; retrying when the connection is back.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9113, Level = LogLevel.Error, Message = "A cache-invalidation subscriber of '{Topic}' failed.")]
    private static partial void LogHandlerFailed(ILogger logger, string topic, Exception exception);
}
