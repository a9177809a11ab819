using Amazon.S3.Model;
using Foundation.Storage.Backups;
using Foundation.Storage.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Storage.Tests.Backups;

/// <summary>
/// Backups kept in a real S3-compatible server (s3rver) under a prefix, configured the way a host does it: <c>Foundation:Storage:S3</c> for the
/// client and <c>Foundation:Storage:Backups</c> for the rest, through <c>AddFoundationStorage</c>.
/// </summary>
public sealed class S3BackupTargetTests(S3rverServer s3) : IClassFixture<S3rverServer>, IAsyncLifetime
{
    private LiveDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await LiveDatabase.CreateAsync(BackupDatabaseProvider.Sqlite);
        await _database.InsertAsync(1, 3000);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private ServiceProvider Services(string bucket, LiveDatabase database, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Storage:RootPath"] = Path.GetTempPath(),
            ["Foundation:Storage:S3:Bucket"] = bucket,
            ["Foundation:Storage:S3:ServiceUrl"] = s3.ServiceUrl,
            ["Foundation:Storage:S3:ForcePathStyle"] = "true",
            ["Foundation:Storage:S3:AccessKeyId"] = S3rverServer.AccessKey,
            ["Foundation:Storage:S3:SecretAccessKey"] = S3rverServer.SecretKey,
            ["Foundation:Storage:Backups:Target"] = "S3",
            ["Foundation:Storage:Backups:S3Prefix"] = "db-backups/",
            ["Foundation:Storage:Backups:ChunkSizeKiB"] = "16",
            ["Foundation:Storage:Backups:Keys:" + Backups.KeyA] = Backups.KeyAValue,
            ["Foundation:Storage:Backups:ActiveKeyId"] = Backups.KeyA,
            ["Foundation:Storage:Backups:Database:Provider"] = "Sqlite",
            ["Foundation:Storage:Backups:Database:ConnectionString"] = database.ConnectionString,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFoundationStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_backup_in_the_bucket_lists_verifies_restores_and_a_flipped_byte_there_is_refused_naming_the_chunk()
    {
        var bucket = await s3.CreateBucketAsync();
        await using var services = Services(bucket, _database);
        var backups = services.GetRequiredService<BackupService>();
        backups.Location.ShouldBe($"s3://{bucket}/db-backups/");

        var manifest = await backups.BackupAsync();
        (await s3.ListObjectsAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal)
            .ShouldBe([$"db-backups/{manifest.Id}.fbk", $"db-backups/{manifest.Id}.manifest.json"]);
        (await s3.ListObjectsAsync(bucket)).Single(o => o.Key.EndsWith(".fbk", StringComparison.Ordinal)).Size.ShouldBe(manifest.StoredBytes);
        (await backups.ListAsync()).ShouldBe([manifest]);
        (await backups.VerifyAsync("latest")).Id.ShouldBe(manifest.Id);

        // Restored from the bucket into another database file: byte-identical to the snapshot.
        var target = await LiveDatabase.CreateAsync(BackupDatabaseProvider.Sqlite);
        await using (target)
        {
            await using var targetServices = Services(bucket, target);
            await targetServices.GetRequiredService<BackupService>().RestoreAsync(manifest.Id);
            Backups.Sha256(target.FilePath).ShouldBe(manifest.PlaintextSha256);
            (await target.RowsAsync()).Count.ShouldBe(3000);

            // One byte of chunk 3 flipped in the stored object.
            using var client = s3.CreateClient();
            byte[] bytes;
            using (var get = await client.GetObjectAsync(bucket, $"db-backups/{manifest.Id}.fbk"))
            using (var copy = new MemoryStream())
            {
                await get.ResponseStream.CopyToAsync(copy);
                bytes = copy.ToArray();
            }

            var (header, frame) = Backups.Layout(Backups.KeyA, 16);
            bytes[header + (3 * frame) + 7] ^= 0x40;
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"db-backups/{manifest.Id}.fbk", InputStream = new MemoryStream(bytes), UseChunkEncoding = false });

            var before = Backups.Sha256(target.FilePath);
            var refused = await Should.ThrowAsync<BackupCorruptedException>(() => targetServices.GetRequiredService<BackupService>().RestoreAsync(manifest.Id));
            refused.ChunkIndex.ShouldBe(3);
            Backups.Sha256(target.FilePath).ShouldBe(before);
            Directory.GetFiles(Path.GetDirectoryName(target.FilePath)!, Path.GetFileName(target.FilePath) + ".restore-*").ShouldBeEmpty();
        }

        // Retention deletes both objects of a backup it does not keep.
        await using var keepOne = Services(bucket, _database, new Dictionary<string, string?>
        {
            ["Foundation:Storage:Backups:Retention:Hourly"] = "0",
            ["Foundation:Storage:Backups:Retention:Daily"] = "0",
            ["Foundation:Storage:Backups:Retention:Weekly"] = "0",
            ["Foundation:Storage:Backups:Retention:Monthly"] = "0",
        });
        var service = keepOne.GetRequiredService<BackupService>();
        var newer = await service.BackupAsync();
        (await service.ApplyRetentionAsync()).ShouldBe([manifest.Id]);
        (await s3.ListObjectsAsync(bucket)).Select(o => o.Key).Order(StringComparer.Ordinal)
            .ShouldBe([$"db-backups/{newer.Id}.fbk", $"db-backups/{newer.Id}.manifest.json"]);
    }

    [Fact]
    public async Task A_file_larger_than_a_part_goes_up_as_a_multipart_upload_and_reads_back_byte_identical()
    {
        var bucket = await s3.CreateBucketAsync();
        using var client = s3.CreateClient();
        var target = new S3BackupTarget(client, bucket, "p/", 5 * 1024 * 1024);
        var file = Path.GetTempFileName();
        try
        {
            var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes((11 * 1024 * 1024) + 321);
            await File.WriteAllBytesAsync(file, content);
            await target.UploadAsync("20260101T000000Z-00000000.fbk", file);
            (await target.ListAsync()).ShouldBe(["20260101T000000Z-00000000.fbk"]);
            await using var read = await target.OpenReadAsync("20260101T000000Z-00000000.fbk");
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            copy.ToArray().ShouldBe(content);
            await Should.ThrowAsync<FileNotFoundException>(() => target.OpenReadAsync("20260101T000000Z-11111111.fbk"));
            await Should.ThrowAsync<ArgumentException>(() => target.DeleteAsync("../escape"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Misconfigured_backups_fail_the_start_naming_each_key()
    {
        using var services = Services("unused", _database, new Dictionary<string, string?>
        {
            ["Foundation:Storage:Backups:Enabled"] = "true",
            ["Foundation:Storage:Backups:Schedule"] = "every hour",
            ["Foundation:Storage:Backups:Keys:old"] = "c2hvcnQ=",
            ["Foundation:Storage:Backups:ActiveKeyId"] = "new",
            ["Foundation:Storage:Backups:ChunkSizeKiB"] = "1",
            ["Foundation:Storage:Backups:Retention:Daily"] = "-1",
        });
        var e = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
        e.Failures.ShouldContain(f => f.StartsWith("Foundation:Storage:Backups:Keys:old must be base64 of exactly 32 random bytes", StringComparison.Ordinal));
        e.Failures.ShouldContain(f => f.StartsWith("Foundation:Storage:Backups:ActiveKeyId is 'new', which is not in Foundation:Storage:Backups:Keys", StringComparison.Ordinal));
        e.Failures.ShouldContain(f => f.StartsWith("Foundation:Storage:Backups:Schedule is 'every hour'", StringComparison.Ordinal));
        e.Failures.ShouldContain("Foundation:Storage:Backups:ChunkSizeKiB is 1; use 16 to 65536.");
        e.Failures.ShouldContain("Foundation:Storage:Backups:Retention:Daily is -1; give a count of 0 or more (0 turns the level off).");
    }
}
