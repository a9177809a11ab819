using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Foundation.Storage.Blobs;
using Foundation.Storage.Tests.Infrastructure;

namespace Foundation.Storage.Tests.Blobs;

/// <summary>
/// What every <see cref="IBlobStore"/> promises, run unchanged against the file system and against a real S3-compatible server (s3rver).
/// Content large enough for several S3 parts (5 MiB each here) is included, and so are writes that fail part-way.
/// </summary>
public abstract class BlobStoreContractTests : IAsyncLifetime
{
    protected const int PartSize = 5 * 1024 * 1024;

    protected IBlobStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IBlobStore> CreateStoreAsync();

    /// <summary>Whatever the backend keeps beside finished content (temporary files, unfinished multipart uploads) is gone.</summary>
    protected abstract Task ShouldHaveNoPartialContentAsync();

    /// <summary>The keys of finished content.</summary>
    protected abstract Task<IReadOnlyList<string>> StoredKeysAsync();

    protected static string NewKey() => Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(PartSize)]
    [InlineData((2 * PartSize) + 12345)]
    public async Task Content_reads_back_byte_identical_at_every_size(int size)
    {
        var content = RandomNumberGenerator.GetBytes(size);
        var key = NewKey();

        // A non-seekable stream of unknown length, as a request body is.
        (await Store.WriteAsync(key, new Http.PatternStream(content))).ShouldBe(size);

        (await Store.ExistsAsync(key)).ShouldBeTrue();
        await using var read = await Store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        SHA256.HashData(copy.ToArray()).ShouldBe(SHA256.HashData(content));
        (await StoredKeysAsync()).ShouldBe([key]);
        await ShouldHaveNoPartialContentAsync();
    }

    [Fact]
    public async Task An_unknown_key_is_not_found_does_not_exist_and_deletes_quietly()
    {
        var key = NewKey();
        (await Store.ExistsAsync(key)).ShouldBeFalse();
        await Should.ThrowAsync<FileNotFoundException>(() => Store.OpenReadAsync(key));
        await Store.DeleteAsync(key);
    }

    [Fact]
    public async Task Delete_removes_the_content()
    {
        var key = NewKey();
        await Store.WriteAsync(key, new MemoryStream("hello"u8.ToArray()));
        await Store.DeleteAsync(key);
        (await Store.ExistsAsync(key)).ShouldBeFalse();
        await Should.ThrowAsync<FileNotFoundException>(() => Store.OpenReadAsync(key));
        (await StoredKeysAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("../etc/passwd")]
    [InlineData("ABCDEF")]
    [InlineData("a/b")]
    public async Task A_key_that_is_not_lower_case_hex_is_refused_before_any_io(string key)
    {
        await Should.ThrowAsync<ArgumentException>(() => Store.WriteAsync(key, new MemoryStream([1])));
        await Should.ThrowAsync<ArgumentException>(() => Store.OpenReadAsync(key));
        await Should.ThrowAsync<ArgumentException>(() => Store.ExistsAsync(key));
        (await StoredKeysAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(100)]
    [InlineData(PartSize + 100)]
    [InlineData((2 * PartSize) + 100)]
    public async Task A_write_whose_content_fails_part_way_leaves_nothing(int failAfter)
    {
        var key = NewKey();
        var content = new FailingStream(failAfter);
        var thrown = await Should.ThrowAsync<Exception>(() => Store.WriteAsync(key, content));
        FindIOException(thrown).ShouldNotBeNull(thrown.ToString());

        (await Store.ExistsAsync(key)).ShouldBeFalse();
        (await StoredKeysAsync()).ShouldBeEmpty();
        await ShouldHaveNoPartialContentAsync();
    }

    [Fact]
    public async Task A_write_cancelled_part_way_leaves_nothing()
    {
        var key = NewKey();
        using var cancel = new CancellationTokenSource();
        var content = new FailingStream(PartSize + 100, cancel);
        await Should.ThrowAsync<OperationCanceledException>(() => Store.WriteAsync(key, content, cancel.Token));

        (await Store.ExistsAsync(key)).ShouldBeFalse();
        (await StoredKeysAsync()).ShouldBeEmpty();
        await ShouldHaveNoPartialContentAsync();
    }

    private static IOException? FindIOException(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException io && io.Message.Contains("broken on purpose", StringComparison.Ordinal))
            {
                return io;
            }
        }

        return null;
    }

    /// <summary>Yields <c>failAfter</c> bytes, then throws an <see cref="IOException"/> (or cancels the given source and honours it).</summary>
    private sealed class FailingStream(int failAfter, CancellationTokenSource? cancel = null) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count), CancellationToken.None);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count), cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Read(Span<byte> buffer, CancellationToken cancellationToken)
        {
            if (_position >= failAfter)
            {
                if (cancel is not null)
                {
                    cancel.Cancel();
                    cancellationToken.ThrowIfCancellationRequested();
                }

                throw new IOException("The request body broke on purpose (broken on purpose).");
            }

            var n = Math.Min(Math.Min(buffer.Length, 65_536), failAfter - _position);
            buffer[..n].Fill((byte)'x');
            _position += n;
            return n;
        }
    }
}

public sealed class FileSystemBlobStoreContractTests : BlobStoreContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "foundation-blobs-" + Guid.NewGuid().ToString("N"));

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(new FileSystemBlobStore(_root));

    public override Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    protected override Task ShouldHaveNoPartialContentAsync()
    {
        Directory.GetFiles(_root, "*.partial", SearchOption.AllDirectories).ShouldBeEmpty();
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<string>> StoredKeysAsync() =>
        Task.FromResult<IReadOnlyList<string>>(Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList()!);

    [Fact]
    public async Task The_file_system_has_no_read_url_of_its_own()
    {
        var key = NewKey();
        await Store.WriteAsync(key, new MemoryStream([1, 2, 3]));
        (await Store.GetReadUrlAsync(key, DateTimeOffset.UtcNow.AddMinutes(1), "text/plain", "a.txt")).ShouldBeNull();
    }
}

/// <remarks>
/// s3rver stores objects and multipart uploads for real but implements neither ListMultipartUploads nor AbortMultipartUpload, and it does not
/// check SigV4 signatures (only their expiry). So "no partial content" is checked on the client side: every multipart upload the store
/// started was either completed or had an abort requested (a real S3 or MinIO then drops its parts; the bucket's
/// AbortIncompleteMultipartUpload lifecycle rule is the backstop, docs/storage.md).
/// </remarks>
public sealed class S3BlobStoreContractTests(S3rverServer server) : BlobStoreContractTests, IClassFixture<S3rverServer>
{
    private const string Prefix = "files/";
    private readonly List<string> _requests = [];
    private string _bucket = null!;

    protected override async Task<IBlobStore> CreateStoreAsync()
    {
        _bucket = await server.CreateBucketAsync();
        var client = server.CreateClient();
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is Amazon.Runtime.WebServiceRequestEventArgs web)
            {
                lock (_requests)
                {
                    _requests.Add(web.Request.GetType().Name);
                }
            }
        };
        return new S3BlobStore(client, _bucket, Prefix, PartSize);
    }

    protected override Task ShouldHaveNoPartialContentAsync()
    {
        lock (_requests)
        {
            var started = _requests.Count(r => r == nameof(InitiateMultipartUploadRequest));
            var finished = _requests.Count(r => r is nameof(CompleteMultipartUploadRequest) or nameof(AbortMultipartUploadRequest));
            finished.ShouldBe(started, string.Join(", ", _requests));
        }

        return Task.CompletedTask;
    }

    protected override async Task<IReadOnlyList<string>> StoredKeysAsync()
    {
        var objects = await server.ListObjectsAsync(_bucket);
        objects.ShouldAllBe(o => o.Key.StartsWith(Prefix, StringComparison.Ordinal));
        return objects.Select(o => o.Key[Prefix.Length..]).ToList();
    }

    [Fact]
    public async Task A_multipart_upload_really_uses_parts()
    {
        await Store.WriteAsync(NewKey(), new MemoryStream(new byte[(2 * PartSize) + 1]));
        lock (_requests)
        {
            _requests.Count(r => r == nameof(UploadPartRequest)).ShouldBe(3);
            _requests.ShouldContain(nameof(CompleteMultipartUploadRequest));
        }
    }

    [Fact]
    public async Task A_presigned_url_downloads_anonymously_with_type_and_name_and_is_refused_after_expiry()
    {
        var key = NewKey();
        var content = "%PDF-1.7\n%%EOF\n"u8.ToArray();
        await Store.WriteAsync(key, new MemoryStream(content));
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);

        var url = (await Store.GetReadUrlAsync(key, expiresAt, "application/pdf", "report ä.pdf")).ShouldNotBeNull();
        url.GetLeftPart(UriPartial.Authority).ShouldBe(server.ServiceUrl);
        using var http = new HttpClient();
        using (var ok = await http.GetAsync(url))
        {
            ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
            (await ok.Content.ReadAsByteArrayAsync()).ShouldBe(content);
            ok.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
            ok.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        }

        // A SigV4 presigned URL (s3rver does not verify the signature itself: see the remarks above).
        url.Query.ShouldContain("X-Amz-Algorithm=AWS4-HMAC-SHA256");
        url.Query.ShouldContain("X-Amz-Signature=");
        url.Query.ShouldContain("X-Amz-Credential=" + S3rverServer.AccessKey);

        // The server's own clock decides expiry: wait (bounded) until it is past, then the same URL is refused.
        var deadline = expiresAt.AddSeconds(15);
        while (true)
        {
            using var late = await http.GetAsync(url);
            if (late.StatusCode == HttpStatusCode.Forbidden)
            {
                DateTimeOffset.UtcNow.ShouldBeGreaterThanOrEqualTo(expiresAt.AddSeconds(-1));
                (await late.Content.ReadAsStringAsync()).ShouldContain("expired");
                break;
            }

            late.StatusCode.ShouldBe(HttpStatusCode.OK);
            DateTimeOffset.UtcNow.ShouldBeLessThan(deadline, "the presigned URL still downloads long after its expiry");
            await Task.Delay(250);
        }
    }
}
