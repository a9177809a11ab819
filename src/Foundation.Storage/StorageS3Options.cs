namespace Foundation.Storage;

/// <summary>The S3 backend.</summary>
public sealed class StorageS3Options
{
    /// <summary>The bucket (must exist).</summary>
    public string? Bucket { get; set; }

    /// <summary>The region (default us-east-1).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The endpoint of an S3-compatible server (MinIO, s3rver, ...); empty for AWS.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), which most S3-compatible servers need. Default false.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>The access key id; empty uses the SDK's default credential chain (environment, profile, instance role).</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key (with <see cref="AccessKeyId"/>).</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>A prefix put before every object key (for example <c>files/</c>).</summary>
    public string KeyPrefix { get; set; } = string.Empty;

    /// <summary>The size of each part of a multipart upload, in MiB (default 8; S3 needs at least 5). Memory per upload stays at one part.</summary>
    public int PartSizeMiB { get; set; } = 8;
}
