using Foundation.Hosting.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Foundation.Hosting.Redis;

/// <summary>
/// The one connection of this instance to Redis (<c>Foundation:Redis</c>), opened at start and shared by the rate limiter, the
/// cache-invalidation bus, the health check and the key ring. It never fails the start: StackExchange.Redis keeps reconnecting
/// in the background, and its users fall back (rate limits per instance, caches on their TTL) while it is down.
/// </summary>
internal sealed partial class RedisConnection : IDisposable
{
    /// <summary>The key of the Data Protection key ring (after the prefix).</summary>
    public const string KeyRingKey = "data-protection-keys";

    private readonly Lazy<ConnectionMultiplexer>? _multiplexer;
    private readonly ILogger<RedisConnection> _logger;
    private static readonly List<WeakReference<RedisConnection>> s_connections = [];
    private readonly GaugeRegistration _gauge;

    public RedisConnection(IOptions<FoundationOptions> options, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        RedisSettings settings;
        try
        {
            settings = options.Value.Redis;
        }
        catch (OptionsValidationException)
        {
            // Resolved while the app is built (caches subscribe in their constructors): invalid options fail the start anyway,
            // with their own messages, so they must not fail the build here first.
            settings = new RedisSettings();
        }

        KeyPrefix = settings.KeyPrefix;
        if (settings.Enabled)
        {
            var configuration = ConfigurationOptions.Parse(settings.Configuration!);

            // Redis down at start must not stop the instance: it serves with its fallbacks and connects when Redis is back.
            configuration.AbortOnConnectFail = false;
            _multiplexer = new Lazy<ConnectionMultiplexer>(() => Connect(configuration), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        _gauge = new GaugeRegistration(this);
    }

    /// <summary>Whether <c>Foundation:Redis:Configuration</c> is set.</summary>
    public bool IsConfigured => _multiplexer is not null;

    /// <summary>The prefix of every key and channel (<c>Foundation:Redis:KeyPrefix</c>).</summary>
    public string KeyPrefix { get; }

    /// <summary>The multiplexer (connects on first use). Only when <see cref="IsConfigured"/>.</summary>
    public ConnectionMultiplexer Multiplexer =>
        _multiplexer?.Value ?? throw new InvalidOperationException("Foundation:Redis:Configuration is not set.");

    /// <summary>Whether Redis is configured and the connection is up right now (no round trip).</summary>
    public bool IsConnected => _multiplexer is { } m && m.Value.IsConnected;

    /// <summary><paramref name="name"/> under this application's prefix.</summary>
    public RedisKey Key(string name) => new(KeyPrefix + name);

    /// <summary>The pub/sub channel <paramref name="name"/> under this application's prefix.</summary>
    public RedisChannel Channel(string name) => RedisChannel.Literal(KeyPrefix + name);

    /// <summary>What is wrong with <c>Foundation:Redis</c> and the Redis key ring, each naming its key.</summary>
    public static IEnumerable<string> Problems(FoundationOptions options)
    {
        var redis = options.Redis;
        if (redis.Enabled)
        {
            string? problem = null;
            try
            {
                _ = ConfigurationOptions.Parse(redis.Configuration!);
            }
            catch (ArgumentException ex)
            {
                problem = $"Foundation:Redis:Configuration is not a valid StackExchange.Redis configuration string: {ex.Message}";
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }

        if (redis.KeyPrefix is null || redis.KeyPrefix.Any(char.IsWhiteSpace))
        {
            yield return "Foundation:Redis:KeyPrefix may not be null or contain white space; use something like 'myapp:'.";
        }

        if (options.DataProtection.KeyRing == KeyRingLocation.Redis && !redis.Enabled)
        {
            yield return "Foundation:DataProtection:KeyRing is 'Redis' but Foundation:Redis:Configuration is not set; set it, or choose 'Database' or 'Folder'.";
        }
    }

    public void Dispose()
    {
        _gauge.Dispose();
        if (_multiplexer is { IsValueCreated: true } m)
        {
            m.Value.Dispose();
        }
    }

    private ConnectionMultiplexer Connect(ConfigurationOptions configuration)
    {
        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        if (!multiplexer.IsConnected)
        {
            LogUnreachableAtStart(_logger, configuration.EndPoints.Count > 0 ? configuration.EndPoints[0].ToString() ?? "(endpoint)" : "(no endpoint)");
        }

        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.EndPoint?.ToString(), e.FailureType.ToString(), e.Exception);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, e.EndPoint?.ToString());
        return multiplexer;
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning,
        Message = "Redis ({Endpoint}) is unreachable at start; serving with per-instance rate limits and cache TTLs until it answers (Foundation:Redis:Configuration).")]
    private static partial void LogUnreachableAtStart(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning,
        Message = "Lost the connection to Redis ({Endpoint}, {FailureType}); rate limits fall back to per-instance counting and caches to their TTLs until it is back.")]
    private static partial void LogConnectionFailed(ILogger logger, string? endpoint, string failureType, Exception? exception);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "The connection to Redis ({Endpoint}) is back.")]
    private static partial void LogConnectionRestored(ILogger logger, string? endpoint);

    /// <summary>The measurements of <c>foundation.hosting.redis.connected</c>: one per live connection of this process.</summary>
    internal static IEnumerable<System.Diagnostics.Metrics.Measurement<int>> ObserveConnected()
    {
        List<RedisConnection> live = [];
        lock (s_connections)
        {
            s_connections.RemoveAll(r => !r.TryGetTarget(out _));
            foreach (var reference in s_connections)
            {
                if (reference.TryGetTarget(out var connection) && connection._multiplexer is { IsValueCreated: true })
                {
                    live.Add(connection);
                }
            }
        }

        foreach (var connection in live)
        {
            yield return new System.Diagnostics.Metrics.Measurement<int>(connection.IsConnected ? 1 : 0);
        }
    }

    private sealed class GaugeRegistration : IDisposable
    {
        private readonly WeakReference<RedisConnection> _self;

        public GaugeRegistration(RedisConnection connection)
        {
            _self = new WeakReference<RedisConnection>(connection);
            lock (s_connections)
            {
                s_connections.Add(_self);
            }

            _ = HostingTelemetry.RedisConnected;
        }

        public void Dispose()
        {
            lock (s_connections)
            {
                s_connections.Remove(_self);
            }
        }
    }
}

/// <summary>Connects to Redis while the host starts (before Data Protection loads a key ring kept there), without failing the start.</summary>
internal sealed class RedisConnectionStarter(RedisConnection redis) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (redis.IsConfigured)
        {
            _ = redis.Multiplexer;
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
