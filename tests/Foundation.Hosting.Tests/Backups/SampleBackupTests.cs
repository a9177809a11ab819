using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Storage;
using Foundation.Storage.Backups;
using Foundation.Storage.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foundation.Hosting.Tests.Backups;

/// <summary>
/// The "done when": a backup of the live sample (Foundation.Hosting's wiring: Foundation:Database, {DataDirectory}/backups) restores,
/// through the command line, to a byte-identical database that the sample then serves from.
/// </summary>
public sealed class SampleBackupTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private static readonly string s_key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("foundation-sample-backup-").FullName;

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Foundation:Auth:Passwords:Pbkdf2Iterations"] = "100000",
        ["Foundation:Hosting:RateLimiting:Auth:PermitLimit"] = "100000",
        ["Foundation:Storage:Backups:Keys:sample"] = s_key,
        ["Foundation:Storage:Backups:ActiveKeyId"] = "sample",
    };

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private static async Task RegisterAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> LoginAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password });
        return response.StatusCode;
    }

    [Fact]
    public async Task A_backup_of_the_serving_sample_restores_byte_identical_and_the_sample_serves_from_it()
    {
        BackupManifest manifest;
        using (var live = new SampleAppFactory(_settings, dataDirectory: _dataDirectory))
        {
            using var client = live.CreateClient();
            await RegisterAsync(client, "before@example.com");

            // Registrations go on while the backup is taken.
            var writes = Task.Run(async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await RegisterAsync(client, $"during{i}@example.com");
                }
            });
            var backups = live.Services.GetRequiredService<BackupService>();
            manifest = await backups.BackupAsync();
            await writes;
            backups.Location.ShouldBe(Path.Combine(_dataDirectory, "backups"));
            manifest.Provider.ShouldBe("sqlite");

            await RegisterAsync(client, "after@example.com");
            (await LoginAsync(client, "after@example.com")).ShouldBe(HttpStatusCode.OK);
        }

        // The sample is stopped; restore through the command line entry with the same settings Hosting derives.
        var database = Path.Combine(_dataDirectory, "foundation.db");
        var options = new StorageOptions();
        options.Backups.Keys["sample"] = s_key;
        options.Backups.ActiveKeyId = "sample";
        options.Backups.Database = new BackupDatabaseOptions { Provider = BackupDatabaseProvider.Sqlite, ConnectionString = $"Data Source={database}" };
        using var telemetry = new StorageTelemetry(null);
        await using (var services = new ServiceCollection()
            .AddSingleton(new BackupService(Microsoft.Extensions.Options.Options.Create(options), new FileSystemBackupTarget(Path.Combine(_dataDirectory, "backups")),
                TimeProvider.System, telemetry, NullLogger<BackupService>.Instance))
            .BuildServiceProvider())
        {
            var output = new StringWriter();
            (await BackupCommandLine.RunAsync(services, ["verify", "latest"], output, output)).ShouldBe(0, output.ToString());
            (await BackupCommandLine.RunAsync(services, ["restore", manifest.Id], output, output)).ShouldBe(0, output.ToString());
            output.ToString().ShouldContain($"{manifest.Id}: verified and restored to {database}");
        }

        Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(database))).ShouldBe(manifest.PlaintextSha256);

        using var restored = new SampleAppFactory(_settings, dataDirectory: _dataDirectory);
        using var again = restored.CreateClient();
        (await LoginAsync(again, "before@example.com")).ShouldBe(HttpStatusCode.OK);
        (await LoginAsync(again, "after@example.com")).ShouldBe(HttpStatusCode.Unauthorized);
    }
}
