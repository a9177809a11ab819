using System.Buffers;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foundation.Storage.Blobs;

/// <summary>
/// Blobs as objects of an S3 (or S3-compatible) bucket, through AWSSDK.S3. Content of unknown length is sent as a multipart upload of fixed-size
/// parts, so memory per upload is one part whatever the file's size; content that fits one part is one PutObject. A failed multipart upload is
/// aborted, so no partial object remains.
/// </summary>
public sealed partial class S3BlobStore : IBlobStore
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly int _partSize;
    private readonly ILogger _logger;

    /// <summary>Creates the store.</summary>
    /// <param name="s3">The client (its configuration names the endpoint and credentials).</param>
    /// <param name="bucket">The bucket, which must exist.</param>
    /// <param name="keyPrefix">Put before every key.</param>
    /// <param name="partSizeBytes">The size of each part of a multipart upload (at least 5 MiB).</param>
    /// <param name="logger">Where a multipart upload that could not be aborted is reported.</param>
    public S3BlobStore(IAmazonS3 s3, string bucket, string keyPrefix = "", int partSizeBytes = 8 * 1024 * 1024, ILogger<S3BlobStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(partSizeBytes, 5 * 1024 * 1024);
        _s3 = s3;
        _bucket = bucket;
        _prefix = keyPrefix;
        _partSize = partSizeBytes;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<long> WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var objectKey = ObjectKey(key);
        var buffer = ArrayPool<byte>.Shared.Rent(_partSize);
        try
        {
            var filled = await FillAsync(content, buffer, _partSize, cancellationToken).ConfigureAwait(false);
            if (filled < _partSize)
            {
                using var single = new MemoryStream(buffer, 0, filled, writable: false);
                await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = objectKey, InputStream = single, AutoCloseStream = false, UseChunkEncoding = false }, cancellationToken).ConfigureAwait(false);
                return filled;
            }

            return await WriteMultipartAsync(objectKey, content, buffer, filled, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<long> WriteMultipartAsync(string objectKey, Stream content, byte[] buffer, int filled, CancellationToken cancellationToken)
    {
        var upload = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = objectKey }, cancellationToken).ConfigureAwait(false);
        var parts = new List<PartETag>();
        long total = 0;
        try
        {
            var partNumber = 1;
            while (filled > 0)
            {
                using (var part = new MemoryStream(buffer, 0, filled, writable: false))
                {
                    var response = await _s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = _bucket,
                        Key = objectKey,
                        UploadId = upload.UploadId,
                        PartNumber = partNumber,
                        InputStream = part,
                        PartSize = filled,
                        UseChunkEncoding = false,
                    }, cancellationToken).ConfigureAwait(false);
                    parts.Add(new PartETag(partNumber, response.ETag));
                }

                total += filled;
                partNumber++;
                filled = await FillAsync(content, buffer, _partSize, cancellationToken).ConfigureAwait(false);
            }

            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = objectKey,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellationToken).ConfigureAwait(false);
            return total;
        }
        catch
        {
            await AbortAsync(objectKey, upload.UploadId).ConfigureAwait(false);
            throw; // the original failure (a limit exceeded mid-stream, a cancellation, a broken body), never the abort's
        }
    }

    private async Task AbortAsync(string objectKey, string uploadId)
    {
        try
        {
            // Not cancellable: the parts already sent must not stay behind (and be billed) when the upload was cancelled.
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = objectKey, UploadId = uploadId }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonS3Exception or HttpRequestException or IOException or TaskCanceledException)
        {
            // The object was never completed, so no reader sees it; only its parts stay until a lifecycle rule removes them.
            LogAbortFailed(_logger, ex, uploadId, _bucket, objectKey);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _s3.GetObjectAsync(_bucket, ObjectKey(key), cancellationToken).ConfigureAwait(false);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"There is no object {key}.", ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            await _s3.GetObjectMetadataAsync(_bucket, ObjectKey(key), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        _s3.DeleteObjectAsync(_bucket, ObjectKey(key), cancellationToken);

    /// <inheritdoc />
    public async Task<Uri?> GetReadUrlAsync(string key, DateTimeOffset expiresAt, string contentType, string fileName, CancellationToken cancellationToken = default)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = ObjectKey(key),
            Verb = HttpVerb.GET,
            Expires = expiresAt.UtcDateTime,
            Protocol = _s3.Config.ServiceURL is { } url && url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS,
        };
        request.ResponseHeaderOverrides.ContentType = contentType;
        request.ResponseHeaderOverrides.ContentDisposition = Http.ContentDispositions.Attachment(fileName);
        return new Uri(await _s3.GetPreSignedURLAsync(request).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Could not abort the failed multipart upload {UploadId} of {Bucket}/{Key}; its parts stay until the bucket's AbortIncompleteMultipartUpload lifecycle rule removes them.")]
    private static partial void LogAbortFailed(ILogger logger, Exception exception, string uploadId, string bucket, string key);

    private string ObjectKey(string key)
    {
        BlobKeys.Validate(key);
        return _prefix + key;
    }

    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < count)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    /// <summary>The object's body; disposing it disposes the response (and its connection).</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
