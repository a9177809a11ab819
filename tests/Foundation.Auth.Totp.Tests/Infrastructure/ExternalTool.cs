using System.Diagnostics;

namespace Foundation.Auth.Totp.Tests.Infrastructure;

/// <summary>
/// Runs a command-line tool that ./eng/test.sh installs from Debian. A missing tool fails the test (never skips it):
/// a cross-check that silently does not run proves nothing.
/// </summary>
public static class ExternalTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static string Require(string name, string debianPackage)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new Xunit.Sdk.XunitException(
            $"'{name}' is not on PATH. Run ./eng/test.sh, which installs the Debian package '{debianPackage}' (or: apt-get install -y {debianPackage}).");
    }

    /// <summary>Runs the tool and returns its standard output; fails on a non-zero exit code or a time-out.</summary>
    public static string Run(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{executable} {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds} s");
        }

        var output = stdout.GetAwaiter().GetResult();
        var error = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"{executable} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Trim()} {output.Trim()}");
        }

        return output;
    }
}
