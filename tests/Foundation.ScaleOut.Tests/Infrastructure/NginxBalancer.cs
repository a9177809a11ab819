using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Foundation.ScaleOut.Tests.Infrastructure;

/// <summary>
/// nginx (Debian's package, which eng/test.sh installs) in front of the instances: round robin, loopback only, <c>daemon off</c>,
/// everything (configuration, pid, logs, temp files) under its own temporary prefix. Each answer carries the instance that served
/// it in <see cref="UpstreamHeader"/> (nginx's <c>$upstream_addr</c>: several comma-separated addresses when nginx tried more than
/// one). nginx passes a request to the next instance only when it could not be sent (connection refused) or, for idempotent
/// methods, when the instance failed before answering (its default <c>proxy_next_upstream error timeout</c>): a POST in flight on an
/// instance that dies is answered 502, never replayed elsewhere.
/// </summary>
public sealed class NginxBalancer : IAsyncDisposable
{
    public const string UpstreamHeader = "X-Foundation-Upstream";

    private readonly string _prefix;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private NginxBalancer(string prefix, int port)
    {
        _prefix = prefix;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>Starts nginx over <paramref name="upstreams"/> and waits (bounded) until it proxies <c>/health/live</c>.</summary>
    public static async Task<NginxBalancer> StartAsync(IReadOnlyList<SampleProcess> upstreams)
    {
        var nginx = FindNginx();
        var prefix = Directory.CreateTempSubdirectory("foundation-scaleout-nginx-").FullName;
        for (var attempt = 0; ; attempt++)
        {
            var balancer = new NginxBalancer(prefix, FreePort.Next());
            try
            {
                await balancer.StartAsync(nginx, upstreams);
                return balancer;
            }
            catch (Exception) when (attempt < 2 && balancer.RecentOutput.Contains("Address already in use", StringComparison.Ordinal))
            {
                await balancer.StopAsync();
            }
            catch
            {
                await balancer.DisposeAsync();
                throw;
            }
        }
    }

    public string RecentOutput
    {
        get
        {
            var log = Path.Combine(_prefix, "error.log");
            string errors;
            try
            {
                errors = File.Exists(log) ? File.ReadAllText(log) : "";
            }
            catch (IOException)
            {
                errors = "";
            }

            lock (_output)
            {
                return _output + errors;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a dying worker: the temp folder is cleaned later by the system.
        }
    }

    /// <summary>The configuration: one upstream block of <paramref name="upstreams"/>, one server on 127.0.0.1.</summary>
    internal static string Configuration(string prefix, int port, IEnumerable<string> upstreams, bool runningAsRoot)
    {
        var c = CultureInfo.InvariantCulture;
        var servers = string.Concat(upstreams.Select(u => $"        server {u} max_fails=1 fail_timeout=2s;\n"));
        // As root, nginx's workers would switch to a user of the distribution's choosing (and fail where its group is missing);
        // they run as the test's user instead, with no more rights than the test has.
        var user = runningAsRoot ? "user root;\n" : "";
        return string.Create(c, $$"""
            {{user}}daemon off;
            master_process on;
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 2048; }
            http {
                log_format upstream '$remote_addr "$request" $status $upstream_addr $upstream_status $request_time';
                access_log {{prefix}}/access.log upstream;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                upstream foundation {
            {{servers}}    }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://foundation;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_connect_timeout 2s;
                        proxy_read_timeout 60s;
                        proxy_buffering off;
                        add_header {{UpstreamHeader}} $upstream_addr always;
                    }
                }
            }

            """);
    }

    private async Task StartAsync(string nginx, IReadOnlyList<SampleProcess> upstreams)
    {
        var config = Path.Combine(_prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, Configuration(_prefix, Port, upstreams.Select(u => u.Address), Environment.IsPrivilegedProcess));
        var start = new ProcessStartInfo(nginx)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-p", _prefix, "-c", config, "-e", Path.Combine(_prefix, "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var last = "no answer yet";
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with code {process.ExitCode}.\n{RecentOutput}");
            }

            try
            {
                using var response = await probe.GetAsync("/health/live");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"nginx did not proxy /health/live within 20 s (last: {last}).\n{RecentOutput}");
    }

    private async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(exited.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or it would not die within the bound.
        }

        process.Dispose();
        _process = null;
    }

    private static string FindNginx()
    {
        foreach (var candidate in new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "nginx")).FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException("nginx is not installed: the scale-out tests put it in front of the instances. ./eng/test.sh installs it (apt package nginx).");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}

/// <summary>Free TCP ports on 127.0.0.1 (bound, read, released; a port taken in between makes the start fail with a clear message).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
