using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Foundation.ScaleOut.Tests.Infrastructure;

/// <summary>
/// One instance of the sample as an operator runs it: <c>dotnet Foundation.Sample.Web.dll --urls http://127.0.0.1:{port}</c> in
/// the sample's build output (its content root, so its appsettings.json applies), configured through environment variables
/// (<c>Foundation__Database__ConnectionString</c>, ...), with its own data directory. Its console output is kept in memory for the
/// failure messages. <see cref="Kill"/> sends SIGKILL (what a crash or the OOM killer does); <see cref="StartAsync"/> starts it again
/// on the same port and data directory.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(90);
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Process? _process;

    public SampleProcess(string name, int port, string dataDirectory, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        Port = port;
        DataDirectory = dataDirectory;
        _environment = environment;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The sample's entry assembly, built by the project reference (nothing is built at test time).</summary>
    public static string AssemblyPath { get; } = typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SampleAssemblyPath").Value!;

    public string Name { get; }

    public int Port { get; }

    /// <summary><c>127.0.0.1:{port}</c>, as nginx names the instance in <c>$upstream_addr</c>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client talking to this instance directly, past the load balancer.</summary>
    public HttpClient Client { get; }

    /// <summary>The operating system's id of the running process (the lease holder names it).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"{Name} is not running.");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length <= 6000 ? text : text[^6000..];
            }
        }
    }

    /// <summary>Starts the process and waits (bounded) until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        if (!File.Exists(AssemblyPath))
        {
            throw new FileNotFoundException(
                $"The sample's build output is missing: {AssemblyPath}. Build this test project (it builds the sample through its project reference) before running it.",
                AssemblyPath);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AssemblyPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.AbsoluteUri.TrimEnd('/'));

        // Nothing of the test runner's own environment may choose the environment or the addresses.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY" })
        {
            start.Environment.Remove(inherited);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Foundation__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Foundation__DataDirectory"] = DataDirectory;
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        Append($"---- {Name} starting on {BaseAddress} ----");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await WaitReadyAsync(process);
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing buffered in memory is written.</summary>
    public void Kill()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running.");
        process.Kill(entireProcessTree: true);
        if (!process.WaitForExit(10_000))
        {
            throw new InvalidOperationException($"{Name} (pid {process.Id}) did not exit within 10 s of SIGKILL.");
        }

        Append($"---- {Name} killed ----");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
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
                // Already gone, or it would not die within the bound: nothing more a test can do.
            }

            process.Dispose();
            _process = null;
        }

        Client.Dispose();
        _probe.Dispose();
    }

    private async Task WaitReadyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        var ready = new Uri(BaseAddress, "/health/ready");
        string last = "no answer yet";
        while (deadline.Elapsed < s_readyTimeout)
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // the rest of its output (the reason) is read to the end first
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it was ready.\n{RecentOutput}");
            }

            try
            {
                using var response = await _probe.GetAsync(ready);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready within {s_readyTimeout.TotalSeconds} s (last answer of /health/ready: {last}).\n{RecentOutput}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 200_000)
            {
                _output.Remove(0, _output.Length - 100_000);
            }
        }
    }
}
