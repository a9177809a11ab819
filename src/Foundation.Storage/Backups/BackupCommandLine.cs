using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Storage.Backups;

/// <summary>
/// The backup command line a host puts in front of its <c>app.Run()</c>:
/// <c>backup</c>, <c>list</c>, <c>verify &lt;id|latest&gt;</c>, <c>restore &lt;id|latest&gt;</c> (stop the application first).
/// </summary>
public static class BackupCommandLine
{
    private static readonly string[] s_commands = ["backup", "list", "verify", "restore"];

    /// <summary>Whether <paramref name="args"/> start with a backup command.</summary>
    public static bool IsCommand(string[] args) =>
        args is { Length: > 0 } && s_commands.Contains(args[0], StringComparer.Ordinal);

    /// <summary>Runs the command of <paramref name="args"/> with the application's services; returns the process exit code (0 success, 1 refused, 2 usage).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;
        error ??= Console.Error;
        try
        {
            var backups = services.GetRequiredService<BackupService>();
            switch (Positional(args))
            {
                case ["backup"]:
                    var made = await backups.BackupAsync(cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync(Line(made) + $"  stored in {backups.Location}").ConfigureAwait(false);
                    return 0;
                case ["list"]:
                    foreach (var m in await backups.ListAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await output.WriteLineAsync(Line(m)).ConfigureAwait(false);
                    }

                    return 0;
                case ["verify", var id]:
                    var verified = await backups.VerifyAsync(id, cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync($"{verified.Id}: OK ({verified.ChunkCount} chunks authenticated, SHA-256 {verified.PlaintextSha256} matches the manifest)").ConfigureAwait(false);
                    return 0;
                case ["restore", var id]:
                    var result = await backups.RestoreAsync(id, cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync(result.DatabaseFile is { } file
                        ? $"{result.Manifest.Id}: verified and restored to {file}" + (result.PreviousDatabaseFile is { } old ? $"; the previous database was moved to {old}" : string.Empty)
                        : $"{result.Manifest.Id}: verified and restored to the PostgreSQL database").ConfigureAwait(false);
                    return 0;
                default:
                    await error.WriteLineAsync("usage: backup | list | verify <id|latest> | restore <id|latest>   (restore: stop the application first)").ConfigureAwait(false);
                    return 2;
            }
        }
        catch (BackupException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 1;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            // The configuration is wrong (the same failures would stop the app's start): each names its key.
            foreach (var failure in e.Failures)
            {
                await error.WriteLineAsync(failure).ConfigureAwait(false);
            }

            return 1;
        }
    }

    /// <summary>The command and its id, without configuration arguments (<c>--Foundation:DataDirectory=/srv/data</c> or <c>--key value</c>).</summary>
    private static string[] Positional(string[] args)
    {
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith('-'))
            {
                if (!args[i].Contains('=', StringComparison.Ordinal))
                {
                    i++; // --key value: the value belongs to the configuration
                }

                continue;
            }

            positional.Add(args[i]);
        }

        return [.. positional];
    }

    private static string Line(BackupManifest m) => string.Create(CultureInfo.InvariantCulture,
        $"{m.Id}  {m.CreatedAt:u}  {m.Provider}  {m.PlaintextBytes} bytes ({m.StoredBytes} stored)  key {m.KeyId}  sha256 {m.PlaintextSha256}");
}
