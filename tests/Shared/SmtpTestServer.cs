using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Foundation.Tests.Common;

/// <summary>One message as the test SMTP server received it, decoded by npm mailparser (independent of MimeKit).</summary>
public sealed record ReceivedMail(
    string? EnvelopeFrom,
    IReadOnlyList<string> EnvelopeTo,
    string? User,
    string? From,
    string? To,
    string? Subject,
    string? MessageId,
    string? Category,
    string? Text,
    string? Html,
    string Raw);

/// <summary>
/// A real SMTP server for tests: <c>eng/node/smtp-sink.mjs</c> (npm smtp-server) started as a child process on a free
/// loopback port, writing every received message to a temp folder before it answers 250. Disposing stops it (its stdin is
/// closed and the process killed); it also exits by itself after ten minutes. Needs node and <c>npm ci</c> in eng/node
/// (./eng/test.sh does both); without them the test fails, it does not skip.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpTestServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    /// <summary>The port it listens on, at 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The folder it writes received messages to.</summary>
    public string Directory { get; }

    /// <summary>Starts a server; with <paramref name="credentials"/> (<c>user:password</c>) it requires AUTH with them.</summary>
    public static async Task<SmtpTestServer> StartAsync(string? credentials = null)
    {
        var root = RepositoryRoot();
        var script = Path.Combine(root, "eng", "node", "smtp-sink.mjs");
        if (!System.IO.Directory.Exists(Path.Combine(root, "eng", "node", "node_modules", "smtp-server")))
        {
            throw new InvalidOperationException("npm smtp-server is not installed in eng/node: run ./eng/test.sh (it runs `npm ci` in eng/node), or `npm ci` in eng/node.");
        }

        var port = FreePort();
        var directory = Path.Combine(Path.GetTempPath(), "foundation-smtp-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(root, "eng", "node"),
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(directory);
        if (credentials is not null)
        {
            start.ArgumentList.Add("--auth");
            start.ArgumentList.Add(credentials);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var server = new SmtpTestServer(process, port, directory);
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(ready.Token);
                if (line is null)
                {
                    var error = await process.StandardError.ReadToEndAsync(ready.Token);
                    throw new InvalidOperationException($"the test SMTP server exited before listening: {error}");
                }

                if (line.StartsWith("listening", StringComparison.Ordinal))
                {
                    return server;
                }
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every message received so far, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Received()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return [.. System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal).Select(path =>
        {
            var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            string? Text(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new ReceivedMail(
                Text("envelopeFrom"),
                [.. json.GetProperty("envelopeTo").EnumerateArray().Select(e => e.GetString()!)],
                Text("user"),
                Text("from"),
                Text("to"),
                Text("subject"),
                Text("messageId"),
                Text("category"),
                Text("text"),
                Text("html"),
                File.ReadAllText(Path.ChangeExtension(path, ".eml")));
        })];
    }

    /// <summary>Stops the server and deletes what it received.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Foundation.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Foundation.sln not found above " + AppContext.BaseDirectory);
    }
}
