using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Foundation.Hosting.Tests.Redis;

/// <summary>
/// The shared test Redis (<c>FOUNDATION_TEST_REDIS</c>, default <c>127.0.0.1:6379</c>; eng/test.sh starts a private one) with a key prefix
/// of this test's own, so tests never see each other's keys or messages. Never flushes: on dispose it deletes the keys under its prefix.
/// </summary>
internal sealed class SharedTestRedis : IAsyncDisposable
{
    public SharedTestRedis()
    {
        Endpoint = Environment.GetEnvironmentVariable("FOUNDATION_TEST_REDIS") is { Length: > 0 } configured ? configured : "127.0.0.1:6379";
        KeyPrefix = $"fnd-test:{Guid.NewGuid():N}:";
    }

    /// <summary>host:port.</summary>
    public string Endpoint { get; }

    public string KeyPrefix { get; }

    /// <summary>The settings that point a host at this Redis and prefix.</summary>
    public Dictionary<string, string?> Settings() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Foundation:Redis:Configuration"] = Endpoint,
        ["Foundation:Redis:KeyPrefix"] = KeyPrefix,
    };

    /// <summary>A connection of the test's own, to look at what the hosts stored.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync() => await ConnectionMultiplexer.ConnectAsync(Endpoint);

    public async ValueTask DisposeAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Endpoint + ",allowAdmin=false");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var db = redis.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: KeyPrefix + "*"))
        {
            await db.KeyDeleteAsync(key);
        }
    }
}

/// <summary>A redis-server process of the test's own on a free loopback port, which the test may kill and start again.</summary>
internal sealed class PrivateRedisServer : IAsyncDisposable
{
    private Process? _process;

    private PrivateRedisServer(int port) => Port = port;

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<PrivateRedisServer> StartAsync()
    {
        var server = new PrivateRedisServer(FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts redis-server (again) on <see cref="Port"/> and returns once it answers PING.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--protected-mode", "yes" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (apt-get install redis-server).");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Wait until it accepts connections: connect with retries (StackExchange.Redis waits for the handshake).
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"{Endpoint},connectTimeout=1000,abortConnect=true");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (attempt < 50 && !_process.HasExited)
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>SIGKILLs the server and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
