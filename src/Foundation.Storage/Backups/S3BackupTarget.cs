using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Foundation.Storage.Backups;

/// <summary>Backups as objects in an S3 bucket under a prefix (multipart uploads for large files through the SDK's transfer utility).</summary>
public sealed class S3BackupTarget : IBackupTarget
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly long _partSize;

    /// <summary>Keeps backups in <paramref name="bucket"/> under <paramref name="prefix"/>; files larger than <paramref name="partSize"/> go up as multipart uploads.</summary>
    public S3BackupTarget(IAmazonS3 client, string bucket, string prefix, long partSize = 8 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partSize, 5 * 1024 * 1024);
        _partSize = partSize;
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        _client = client;
        _bucket = bucket;
        _prefix = prefix ?? string.Empty;
    }

    /// <inheritdoc />
    public string Location => $"s3://{_bucket}/{_prefix}";

    /// <inheritdoc />
    public async Task UploadAsync(string name, string localFile, CancellationToken cancellationToken = default)
    {
        Internal.BackupNameCheck.Validate(name);
        var key = _prefix + name;
        var length = new FileInfo(localFile).Length;

        // Plain (not aws-chunked) bodies: S3-compatible servers do not all decode the SDK's chunked encoding.
        if (length <= _partSize)
        {
            await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, FilePath = localFile, UseChunkEncoding = false }, cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        var upload = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key }, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            for (long position = 0, number = 1; position < length; position += _partSize, number++)
            {
                var part = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = (int)number,
                    FilePath = localFile,
                    FilePosition = position,
                    PartSize = Math.Min(_partSize, length - position),
                    UseChunkEncoding = false,
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag((int)number, part.ETag));
            }

            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = upload.UploadId, PartETags = parts }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            // No half-written object: the parts are discarded (with the caller's token gone, on a fresh one).
            await _client.AbortMultipartUploadAsync(_bucket, key, upload.UploadId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        Internal.BackupNameCheck.Validate(name);
        try
        {
            var response = await _client.GetObjectAsync(_bucket, _prefix + name, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"{name} is not in {Location}.", name, e);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix, ContinuationToken = token }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                var name = o.Key[_prefix.Length..];
                if (!name.Contains('/', StringComparison.Ordinal))
                {
                    names.Add(name);
                }
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return names;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        Internal.BackupNameCheck.Validate(name);
        await _client.DeleteObjectAsync(_bucket, _prefix + name, cancellationToken).ConfigureAwait(false);
    }
}
