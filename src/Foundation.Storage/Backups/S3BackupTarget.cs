using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;

namespace Foundation.Storage.Backups;

/// <summary>Backups as objects in an S3 bucket under a prefix (multipart uploads for large files through the SDK's transfer utility).</summary>
public sealed class S3BackupTarget : IBackupTarget
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _prefix;

    /// <summary>Keeps backups in <paramref name="bucket"/> under <paramref name="prefix"/>.</summary>
    public S3BackupTarget(IAmazonS3 client, string bucket, string prefix)
    {
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
        using var transfer = new TransferUtility(_client);
        await transfer.UploadAsync(localFile, _bucket, _prefix + name, cancellationToken).ConfigureAwait(false);
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
