using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Tests.Security;

/// <summary>
/// Local state is readable by its owner only: a data directory Foundation creates is 0700, the SQLite database it creates
/// 0600 and SQLite's -wal and -shm files follow it; the key-ring folder is 0700; the start-up log says where the Data
/// Protection keys are and whether they are encrypted at rest; a certificate can encrypt them.
/// </summary>
[Trait("Category", TestCategories.Integration)]
[UnsupportedOSPlatform("windows")]
public sealed class FilesAtRestTests
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string KeyRingReportCategory = "Foundation.Hosting.Security.KeyRingReport";

    [Fact]
    public async Task A_new_data_directory_is_0700_and_the_database_with_its_wal_and_shm_are_0600()
    {
        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "state", "data");
        await using var app = await TestApp.StartAsync(o => o.Settings["Foundation:DataDirectory"] = data);
        using var client = app.CreateClient();

        // A write, so the WAL holds something; pooled connections keep -wal and -shm open while the host runs.
        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "files@example.com", password = "a long and unusual passphrase" });
        register.StatusCode.ShouldBe(HttpStatusCode.Created);

        File.GetUnixFileMode(data).ShouldBe(OwnerOnlyDirectory);
        foreach (var file in new[] { "foundation.db", "foundation.db-wal", "foundation.db-shm" })
        {
            var path = Path.Combine(data, file);
            File.Exists(path).ShouldBeTrue($"{file} should exist while the host runs");
            File.GetUnixFileMode(path).ShouldBe(OwnerOnlyFile, file);
        }

        var keys = Path.Combine(data, "keys");
        File.GetUnixFileMode(keys).ShouldBe(OwnerOnlyDirectory);
        Directory.GetFiles(keys, "key-*.xml").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_database_file_at_a_configured_path_is_created_0600_too()
    {
        using var root = new TempDirectory();
        var database = Path.Combine(root.Path, "elsewhere", "app.db");
        await using var app = await TestApp.StartAsync(o => o.Settings["Foundation:Database:ConnectionString"] = $"Data Source={database}");
        using var client = app.CreateClient();
        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "elsewhere@example.com", password = "a long and unusual passphrase" });
        register.StatusCode.ShouldBe(HttpStatusCode.Created);

        File.GetUnixFileMode(database).ShouldBe(OwnerOnlyFile);
        File.GetUnixFileMode(Path.GetDirectoryName(database)!).ShouldBe(OwnerOnlyDirectory);
        File.GetUnixFileMode(database + "-wal").ShouldBe(OwnerOnlyFile);
    }

    [Fact]
    public async Task An_existing_database_others_can_read_is_left_as_it_is_with_a_warning()
    {
        using var data = new TempDirectory();
        var database = Path.Combine(data.Path, "foundation.db");
        await File.WriteAllBytesAsync(database, []);
        var groupReadable = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(database, groupReadable);
        var logs = new RecordingLoggerProvider();

        await using var app = await TestApp.StartAsync(o =>
        {
            o.DataDirectory = data.Path;
            o.Logs = logs;
        });

        File.GetUnixFileMode(database).ShouldBe(groupReadable);
        var warning = logs.Entries.Where(e => e.Category == "Foundation.Hosting.Data.SqliteDatabaseFile").ShouldHaveSingleItem();
        warning.Level.ShouldBe(LogLevel.Warning);
        warning.Message.ShouldBe($"The SQLite database {database} has mode 0644: other local users can read it. Foundation creates it 0600; run chmod 600 on it (and its -wal and -shm files) unless that is intended");
    }

    [Fact]
    public async Task The_start_up_log_says_where_the_keys_are_and_that_they_are_not_encrypted()
    {
        var logs = new RecordingLoggerProvider();
        await using var app = await TestApp.StartAsync(o => o.Logs = logs);

        var keys = Path.Combine(app.DataDirectory, "keys");
        var entry = logs.Entries.Where(e => e.Category == KeyRingReportCategory).ShouldHaveSingleItem();
        entry.Level.ShouldBe(LogLevel.Warning);
        entry.Message.ShouldBe(
            $"Data Protection keys are kept in {keys} (mode 0700), not encrypted at rest: anyone who can read them can decrypt every secret "
            + "Foundation stores; set Foundation:DataProtection:Certificate:Path to encrypt them");
    }

    [Fact]
    public async Task A_certificate_encrypts_the_key_ring_and_a_second_instance_with_it_reads_what_the_first_protected()
    {
        using var shared = new TempDirectory();
        var keys = Path.Combine(shared.Path, "keys");
        using var certificate = CreateCertificate(out var pfx, shared.Path, "correct horse");
        var withCertificate = new Dictionary<string, string?>
        {
            ["Foundation:DataProtection:KeysDirectory"] = keys,
            ["Foundation:DataProtection:Certificate:Path"] = pfx,
            ["Foundation:DataProtection:Certificate:Password"] = "correct horse",
        };

        string protectedValue;
        var logs = new RecordingLoggerProvider();
        await using (var first = await TestApp.StartAsync(o => Configure(o, withCertificate, logs)))
        {
            protectedValue = first.Services.GetRequiredService<ISecretProtector>().Protect("files-at-rest", "the provider key");
        }

        logs.Entries.Where(e => e.Category == KeyRingReportCategory).ShouldHaveSingleItem().Message.ShouldBe(
            $"Data Protection keys are kept in {keys} (mode 0700), encrypted at rest with the certificate CN=Foundation key ring test (thumbprint {certificate.Thumbprint})");
        var files = Directory.GetFiles(keys, "key-*.xml");
        files.ShouldNotBeEmpty();
        foreach (var file in files)
        {
            var xml = await File.ReadAllTextAsync(file);
            xml.ShouldNotContain("<masterKey", Case.Sensitive, "a key written in plain text");
            xml.ShouldContain("<EncryptedData", Case.Sensitive);
            xml.ShouldContain(Convert.ToBase64String(certificate.RawData), Case.Sensitive, "the key should be encrypted to this certificate");
            File.GetUnixFileMode(file).HasFlag(UnixFileMode.OtherRead).ShouldBeFalse(file);
        }

        await using (var second = await TestApp.StartAsync(o => Configure(o, withCertificate, logs: null)))
        {
            second.Services.GetRequiredService<ISecretProtector>().Unprotect("files-at-rest", protectedValue).ShouldBe("the provider key");
        }

        // Without the certificate the same key ring is unreadable: the protected value cannot be opened.
        var withoutCertificate = new Dictionary<string, string?> { ["Foundation:DataProtection:KeysDirectory"] = keys };
        await Should.ThrowAsync<Exception>(async () =>
        {
            await using var third = await TestApp.StartAsync(o => Configure(o, withoutCertificate, logs: null));
            third.Services.GetRequiredService<ISecretProtector>().Unprotect("files-at-rest", protectedValue);
        });
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_used_fails_the_start_naming_the_key()
    {
        using var directory = new TempDirectory();
        using var certificate = CreateCertificate(out var pfx, directory.Path, "correct horse");

        var missing = await StartFailureAsync(new() { ["Foundation:DataProtection:Certificate:Path"] = "certs/none.pfx" });
        var wrongPassword = await StartFailureAsync(new()
        {
            ["Foundation:DataProtection:Certificate:Path"] = pfx,
            ["Foundation:DataProtection:Certificate:Password"] = "battery staple",
        });
        var passwordOnly = await StartFailureAsync(new() { ["Foundation:DataProtection:Certificate:Password"] = "correct horse" });

        missing.ShouldStartWith("Foundation:DataProtection:Certificate:Path is 'certs/none.pfx', but there is no file ", Case.Sensitive);
        wrongPassword.ShouldStartWith(
            $"Foundation:DataProtection:Certificate:Path is '{pfx}', which cannot be read as a PKCS#12 (.pfx) file with Foundation:DataProtection:Certificate:Password as given",
            Case.Sensitive);
        passwordOnly.ShouldBe("Foundation:DataProtection:Certificate:Password is set but Foundation:DataProtection:Certificate:Path is not; give the PKCS#12 (.pfx) file the password opens.");
    }

    private static void Configure(TestAppOptions options, Dictionary<string, string?> settings, RecordingLoggerProvider? logs)
    {
        foreach (var (key, value) in settings)
        {
            options.Settings[key] = value;
        }

        options.Logs = logs;
    }

    private static async Task<string> StartFailureAsync(Dictionary<string, string?> settings)
    {
        var exception = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(o => Configure(o, settings, logs: null)));
        return exception.Failures.ShouldHaveSingleItem();
    }

    private static X509Certificate2 CreateCertificate(out string pfxPath, string directory, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Foundation key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        pfxPath = Path.Combine(directory, "keyring.pfx");
        File.WriteAllBytes(pfxPath, certificate.Export(X509ContentType.Pkcs12, password));
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }
}
