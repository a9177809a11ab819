using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Foundation.Storage.Blobs;

namespace Foundation.Benchmarks.Storage;

/// <summary>
/// Upload and download throughput of a large generated stream (never held in memory) through Foundation.Storage's blob stores: the file
/// system under a temporary folder, and S3 against a local s3rver (npm, eng/node). MB/s = size / mean. Memory flat (issue 14 item 8): the
/// bytes allocated per operation stay a small, size-independent amount (buffers and one multipart part), not a function of the file's size.
/// One operation moves a whole file, so the job is a monitoring one (no pilot, one invocation per iteration).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class StorageBlobBenchmarks
{
    private const int BufferSize = 81_920;
    private readonly byte[] _buffer = new byte[BufferSize];
    private IBlobStore _store = null!;
    private S3rverProcess? _s3;
    private Amazon.S3.AmazonS3Client? _client;
    private string? _root;
    private string _readKey = "";
    private string? _writtenKey;

    [Params("filesystem", "s3")]
    public string Backend { get; set; } = "filesystem";

    /// <summary>The file's size in MiB.</summary>
    [Params(16, 100)]
    public int SizeMiB { get; set; }

    private long Size => SizeMiB * 1024L * 1024;

    [GlobalSetup]
    public void Setup()
    {
        if (Backend == "s3")
        {
            _s3 = S3rverProcess.StartAsync().GetAwaiter().GetResult();
            _client = _s3.CreateClient();
            var bucket = _s3.CreateBucketAsync(_client).GetAwaiter().GetResult();
            _store = new S3BlobStore(_client, bucket, "files/", 8 * 1024 * 1024);
        }
        else
        {
            _root = Directory.CreateTempSubdirectory("foundation-bench-blobs-").FullName;
            _store = new FileSystemBlobStore(_root);
        }

        _readKey = Guid.NewGuid().ToString("N");
        _store.WriteAsync(_readKey, new GeneratedStream(Size)).GetAwaiter().GetResult();
    }

    [Benchmark(Description = "upload (write a generated stream)")]
    public async Task<long> Upload()
    {
        _writtenKey = Guid.NewGuid().ToString("N");
        return await _store.WriteAsync(_writtenKey, new GeneratedStream(Size));
    }

    [Benchmark(Description = "download (read to the end)")]
    public async Task<long> Download()
    {
        var content = await _store.OpenReadAsync(_readKey);
        await using (content)
        {
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(_buffer)) > 0)
            {
                total += read;
            }

            return total == Size ? total : throw new InvalidOperationException($"read {total} bytes of {Size}");
        }
    }

    [IterationCleanup]
    public void DeleteWritten()
    {
        if (_writtenKey is { } key)
        {
            _store.DeleteAsync(key).GetAwaiter().GetResult();
            _writtenKey = null;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DeleteAsync(_readKey).GetAwaiter().GetResult();
        _client?.Dispose();
        _s3?.Dispose();
        if (_root is not null)
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
