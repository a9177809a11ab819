using System.Diagnostics;
using System.Text;

namespace Foundation.Packaging.Tests.Infrastructure;

/// <summary>The exit code and the interleaved stdout/stderr of a finished child process.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string Output)
{
    /// <summary>The command, its exit code and its output, each distinct line once (MSBuild repeats its errors and warnings in a summary).</summary>
    public override string ToString() =>
        $"`{Command}` exited with {ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, Output.Split('\n').Select(l => l.TrimEnd('\r')).Distinct(StringComparer.Ordinal))}";
}

/// <summary>
/// Starts child processes (the dotnet CLI, the consumer app) with captured output, a bounded run time and
/// an environment that cannot leave build servers behind: no telemetry/logo, no MSBuild node reuse, no
/// MSBuild server, and none of the MSBuild/VSTest variables the test host inherited from `dotnet test`.
/// </summary>
internal static class ChildProcess
{
    /// <summary>The dotnet executable that runs these tests (DOTNET_HOST_PATH), else `dotnet` from PATH.</summary>
    public static string Dotnet { get; } = ResolveDotnet();

    public static ProcessStartInfo StartInfo(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var key in startInfo.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(key);
            }
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        startInfo.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["UseSharedCompilation"] = "false";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        return startInfo;
    }

    /// <summary>Runs a process to its end; on timeout or cancellation kills its whole tree and throws with its output.</summary>
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var running = Start(startInfo);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        linked.CancelAfter(timeout);
        try
        {
            await running.Process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            running.Kill();
            var why = cancellationToken.IsCancellationRequested ? "the test's overall deadline passed" : $"it did not finish within {timeout}";
            throw new TimeoutException($"`{running.Command}` was killed because {why}. Output so far:{Environment.NewLine}{running.Output}");
        }

        return new ProcessResult(running.Command, running.Process.ExitCode, running.Output);
    }

    /// <summary>Runs a process and fails the test unless it exits with 0.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(ProcessStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await RunAsync(startInfo, timeout, cancellationToken);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result;
    }

    /// <summary>Starts a long-running process (a server); dispose kills its tree.</summary>
    public static RunningProcess Start(ProcessStartInfo startInfo) => new(startInfo);

    private static string ResolveDotnet()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}

/// <summary>A started child process whose stdout and stderr are collected as they arrive.</summary>
internal sealed class RunningProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();

    public RunningProcess(ProcessStartInfo startInfo)
    {
        Command = $"{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}";
        Process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        Process.OutputDataReceived += (_, e) => Append(e.Data);
        Process.ErrorDataReceived += (_, e) => Append(e.Data);
        Process.Start();
        Process.StandardInput.Close();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public string Command { get; }

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await Process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Leave it; the kill has been requested and the output is what we have.
        }

        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
