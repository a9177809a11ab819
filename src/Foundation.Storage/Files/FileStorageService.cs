using System.Globalization;
using System.Security.Cryptography;
using Foundation.Auditing;
using Foundation.Storage.Blobs;
using Foundation.Storage.Content;
using Foundation.Storage.Diagnostics;
using Foundation.Storage.Images;
using Foundation.Storage.Links;
using Foundation.Storage.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Storage.Files;

/// <summary>
/// Stores, lists, serves and deletes a tenant's files. Every method takes the tenant explicitly and sees only that tenant's files (another
/// tenant's id is "not found"). Uploads are streamed once: the type is detected from the first bytes, SHA-256 is computed while the content
/// passes, limits are enforced mid-stream, and the quota is taken by a conditional update in the same transaction as the metadata, so a
/// refused or failed upload leaves neither content nor metadata.
/// </summary>
public sealed class FileStorageService
{
    /// <summary>The most files one page lists.</summary>
    public const int MaxPageSize = 200;

    private readonly StorageDbContext _db;
    private readonly IBlobStore _blobs;
    private readonly StorageLinkSigner _signer;
    private readonly IOptions<StorageOptions> _options;
    private readonly TimeProvider _time;
    private readonly IAuditEventWriter _audit;
    private readonly StorageTelemetry _telemetry;
    private readonly ImageProcessor _images;

    internal FileStorageService(StorageDbContext db, IBlobStore blobs, StorageLinkSigner signer, IOptions<StorageOptions> options, TimeProvider time,
        IAuditEventWriter audit, StorageTelemetry telemetry, ImageProcessor images)
    {
        _images = images;
        _db = db;
        _blobs = blobs;
        _signer = signer;
        _options = options;
        _time = time;
        _audit = audit;
        _telemetry = telemetry;
    }

    /// <summary>Stores <paramref name="upload"/> for <paramref name="tenantId"/>.</summary>
    /// <exception cref="StorageValidationException">The file is empty, its body broke off, or its length differs from the declared one.</exception>
    /// <exception cref="StorageUnsupportedTypeException">The detected type is not allowed, or differs from the declared type.</exception>
    /// <exception cref="StorageLimitExceededException">The file exceeds the per-file limit or the tenant's quota.</exception>
    public async Task<StoredFile> UploadAsync(string tenantId, FileUpload upload, string? userId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(upload);
        var options = _options.Value;
        try
        {
            return await UploadCoreAsync(tenantId, upload, userId, options, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex)
        {
            _telemetry.Refused.Add(1, new KeyValuePair<string, object?>("reason", ex switch
            {
                StorageLimitExceededException { Limit: "TenantQuotaBytes" } => "quota",
                StorageLimitExceededException => "too_large",
                StorageUnsupportedTypeException => "type",
                _ => "invalid",
            }));
            await _audit.WriteAsync(new AuditEvent("storage.file.upload_refused", AuditOutcome.Denied)
            {
                TenantId = tenantId,
                ActorUserId = userId,
                TargetType = "file",
                Data = new Dictionary<string, string?>(StringComparer.Ordinal) { ["status"] = ex.StatusCode.ToString(CultureInfo.InvariantCulture), ["reason"] = ex.Message },
            }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<StoredFile> UploadCoreAsync(string tenantId, FileUpload upload, string? userId, StorageOptions options, CancellationToken cancellationToken)
    {
        if (upload.DeclaredLength is 0)
        {
            throw new StorageValidationException("file", "The file is empty (declared length 0); upload at least one byte.");
        }

        var maxFile = options.EffectiveMaxFileBytes(tenantId);
        if (upload.DeclaredLength > maxFile)
        {
            throw TooLarge(maxFile, upload.DeclaredLength.Value);
        }

        // The first bytes name the type: read them before anything is stored, so a refused type costs no write.
        var sample = new byte[ContentTypeDetector.SampleSize];
        var sampled = 0;
        var sourceEnded = false;
        while (sampled < sample.Length)
        {
            var read = await UploadStream.ReadSourceAsync(upload.Content, sample.AsMemory(sampled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                sourceEnded = true;
                break;
            }

            sampled += read;
        }

        if (sampled == 0)
        {
            throw new StorageValidationException("file", "The file is empty; upload at least one byte.");
        }

        Array.Resize(ref sample, sampled);
        var detected = ContentTypeDetector.Detect(sample, sourceEnded);
        CheckType(tenantId, detected, ContentTypeDetector.MediaType(upload.DeclaredContentType), options);

        var quota = options.EffectiveQuotaBytes(tenantId);
        var used = quota > 0
            ? await _db.Usage.AsNoTracking().Where(u => u.TenantId == tenantId).Select(u => (long?)u.UsedBytes).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? 0
            : 0;
        var left = quota > 0 ? Math.Max(0, quota - used) : long.MaxValue;
        if (options.Images.Enabled && ImageProcessor.IsImage(detected))
        {
            // Re-encoded: the quota is taken by what is stored, known only after processing.
            return await UploadImageAsync(tenantId, upload, userId, options, sample, detected, maxFile, quota, left, cancellationToken).ConfigureAwait(false);
        }

        if (upload.DeclaredLength > left)
        {
            throw OverQuota(quota, left);
        }

        var limit = Math.Min(maxFile, left);
        var id = Guid.CreateVersion7(_time.GetUtcNow());
        var key = id.ToString("N");
        var content = new UploadStream(sample, upload.Content, limit,
            size => limit == maxFile ? TooLarge(maxFile, size) : OverQuota(quota, left), upload.DeclaredLength);
        await using (content.ConfigureAwait(false))
        {
            await _blobs.WriteAsync(key, content, cancellationToken).ConfigureAwait(false);
            var entity = new StorageFileEntity
            {
                Id = key,
                TenantId = tenantId,
                Name = FileNames.Clean(upload.FileName, detected),
                ContentType = detected,
                Size = content.BytesRead,
                Sha256 = content.Sha256Hex(),
                CreatedAt = _time.GetUtcNow(),
                CreatedBy = userId,
            };
            return await CommitStoredAsync(entity, quota, userId, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<StoredFile> UploadImageAsync(string tenantId, FileUpload upload, string? userId, StorageOptions options, byte[] sample, string detected,
        long maxFile, long quota, long left, CancellationToken cancellationToken)
    {
        // The decoder needs the whole image in memory: read at most Images:MaxInputBytes (and never more than the per-file limit), refusing
        // mid-stream past it, so memory per upload is bounded whatever the client sends.
        var images = options.Images;
        var inputLimit = Math.Min(maxFile, images.MaxInputBytes);
        if (upload.DeclaredLength > inputLimit)
        {
            throw inputLimit == maxFile ? TooLarge(maxFile, upload.DeclaredLength.Value) : ImageTooLarge(images.MaxInputBytes, upload.DeclaredLength.Value);
        }

        byte[] buffer;
        int length;
        string originalSha256;
        var input = new UploadStream(sample, upload.Content, inputLimit,
            size => inputLimit == maxFile ? TooLarge(maxFile, size) : ImageTooLarge(images.MaxInputBytes, size), upload.DeclaredLength);
        await using (input.ConfigureAwait(false))
        {
            using var memory = new MemoryStream((int)Math.Min(inputLimit, upload.DeclaredLength ?? 1024 * 1024));
            await input.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
            buffer = memory.GetBuffer();
            length = (int)memory.Length;
            originalSha256 = input.Sha256Hex();
        }

        var processed = await _images.ReencodeAsync(buffer.AsMemory(0, length), detected, images, cancellationToken).ConfigureAwait(false);
        if (quota > 0 && processed.Content.Length > left)
        {
            throw OverQuota(quota, left);
        }

        var id = Guid.CreateVersion7(_time.GetUtcNow());
        var key = id.ToString("N");
        using (var content = new MemoryStream(processed.Content, writable: false))
        {
            await _blobs.WriteAsync(key, content, cancellationToken).ConfigureAwait(false);
        }

        var name = FileNames.Clean(upload.FileName, processed.ContentType);
        if (!string.Equals(processed.ContentType, detected, StringComparison.Ordinal) && name.EndsWith(".gif", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^".gif".Length] + ".png";
        }

        var entity = new StorageFileEntity
        {
            Id = key,
            TenantId = tenantId,
            Name = name,
            ContentType = processed.ContentType,
            Size = processed.Content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(processed.Content)),
            CreatedAt = _time.GetUtcNow(),
            CreatedBy = userId,
        };
        return await CommitStoredAsync(entity, quota, userId, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["reencoded"] = "true",
            ["originalContentType"] = detected,
            ["originalSize"] = length.ToString(CultureInfo.InvariantCulture),
            ["originalSha256"] = originalSha256,
            ["width"] = processed.Width.ToString(CultureInfo.InvariantCulture),
            ["height"] = processed.Height.ToString(CultureInfo.InvariantCulture),
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoredFile> CommitStoredAsync(StorageFileEntity entity, long quota, string? userId, Dictionary<string, string?>? auditData, CancellationToken cancellationToken)
    {
        try
        {
            await CommitAsync(entity, quota, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing half-stored: content whose metadata could not be committed goes too.
            await _blobs.DeleteAsync(entity.Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        _telemetry.Uploaded.Add(entity.Size);
        var data = auditData ?? new Dictionary<string, string?>(StringComparer.Ordinal);
        data["contentType"] = entity.ContentType;
        data["size"] = entity.Size.ToString(CultureInfo.InvariantCulture);
        data["sha256"] = entity.Sha256;
        await _audit.WriteAsync(new AuditEvent("storage.file.uploaded", AuditOutcome.Success)
        {
            TenantId = entity.TenantId,
            ActorUserId = userId,
            TargetType = "file",
            TargetId = entity.Id,
            Data = data,
        }, CancellationToken.None).ConfigureAwait(false);
        return ToFile(entity);
    }

    /// <summary>
    /// A thumbnail of image file <paramref name="id"/>: its longest side at most <paramref name="size"/> pixels (one of
    /// <c>Images:ThumbnailSizes</c>), never enlarged, EXIF orientation applied, no metadata, in the file's own format (GIF as PNG). Made on request.
    /// </summary>
    /// <exception cref="StorageValidationException"><paramref name="size"/> is not an allowed size.</exception>
    /// <exception cref="StorageFileNotFoundException">No such file in the tenant.</exception>
    /// <exception cref="StorageUnsupportedTypeException">The file is not an image (or does not decode as one).</exception>
    /// <exception cref="StorageLimitExceededException">The image is larger than <c>Images:MaxInputBytes</c> or <c>Images:MaxPixels</c>.</exception>
    public async Task<StorageThumbnail> GetThumbnailAsync(string tenantId, Guid id, int size, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var images = _options.Value.Images;
        var sizes = images.EffectiveThumbnailSizes;
        if (!sizes.Contains(size))
        {
            throw new StorageValidationException("size", string.Create(CultureInfo.InvariantCulture,
                $"size is {size}; the thumbnail sizes allowed are {string.Join(", ", sizes)} (Foundation:Storage:Images:ThumbnailSizes)."));
        }

        var entity = await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        if (!ImageProcessor.IsImage(entity.ContentType))
        {
            throw new StorageUnsupportedTypeException(entity.ContentType, null,
                $"The file is {entity.ContentType}; thumbnails are made of images only ({ContentTypes.Jpeg}, {ContentTypes.Png}, {ContentTypes.WebP}, {ContentTypes.Gif}).");
        }

        if (entity.Size > images.MaxInputBytes)
        {
            throw ImageTooLarge(images.MaxInputBytes, entity.Size);
        }

        byte[] bytes;
        try
        {
            var content = await _blobs.OpenReadAsync(entity.Id, cancellationToken).ConfigureAwait(false);
            await using (content.ConfigureAwait(false))
            {
                bytes = new byte[entity.Size];
                await content.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (FileNotFoundException)
        {
            throw new StorageFileNotFoundException(id);
        }

        var thumbnail = await _images.ThumbnailAsync(bytes, entity.ContentType, size, images, cancellationToken).ConfigureAwait(false);
        _telemetry.Downloaded.Add(1, new KeyValuePair<string, object?>("via", "thumbnail"));
        return new StorageThumbnail(ToFile(entity), thumbnail.ContentType, thumbnail.Content, thumbnail.Width, thumbnail.Height);
    }

    private async Task CommitAsync(StorageFileEntity entity, long quota, CancellationToken cancellationToken)
    {
        var strategy = _db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await EnsureUsageRowAsync(entity.TenantId, ct).ConfigureAwait(false);
                var size = entity.Size;
                var tenant = entity.TenantId;

                // Atomic across instances: the row is updated only while the quota still has room for this file.
                var taken = await _db.Usage
                    .Where(u => u.TenantId == tenant && (quota == 0 || u.UsedBytes + size <= quota))
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.UsedBytes, u => u.UsedBytes + size).SetProperty(u => u.FileCount, u => u.FileCount + 1), ct)
                    .ConfigureAwait(false);
                if (taken == 0)
                {
                    throw OverQuota(quota, 0);
                }

                _db.Files.Add(entity);
                await _db.SaveChangesAsync(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                _db.ChangeTracker.Clear();
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task<int> EnsureUsageRowAsync(string tenantId, CancellationToken cancellationToken) =>
        _db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO storage_usage (tenant_id, used_bytes, file_count) VALUES ({tenantId}, 0, 0) ON CONFLICT (tenant_id) DO NOTHING", cancellationToken);

    /// <summary>The metadata of file <paramref name="id"/> of <paramref name="tenantId"/>.</summary>
    /// <exception cref="StorageFileNotFoundException">No such file in the tenant.</exception>
    public async Task<StoredFile> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default) =>
        ToFile(await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false));

    /// <summary>The file's metadata and its content, to be read once and disposed.</summary>
    /// <exception cref="StorageFileNotFoundException">No such file in the tenant.</exception>
    public async Task<(StoredFile File, Stream Content)> OpenReadAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        var entity = await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        try
        {
            return (ToFile(entity), await _blobs.OpenReadAsync(entity.Id, cancellationToken).ConfigureAwait(false));
        }
        catch (FileNotFoundException)
        {
            // Metadata whose content is gone (deleted concurrently): the file does not exist any more.
            throw new StorageFileNotFoundException(id);
        }
    }

    /// <summary>The tenant's files, newest first, <paramref name="limit"/> at a time (keyset pagination: stable while files are added).</summary>
    /// <exception cref="StorageValidationException"><paramref name="limit"/> is out of range or <paramref name="pageToken"/> is not one this API gave.</exception>
    public async Task<StoredFilePage> ListAsync(string tenantId, int limit = 50, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (limit is < 1 or > MaxPageSize)
        {
            throw new StorageValidationException("limit", string.Create(CultureInfo.InvariantCulture, $"limit is {limit}; use 1 to {MaxPageSize}."));
        }

        var query = _db.Files.AsNoTracking().Where(f => f.TenantId == tenantId);
        if (pageToken is not null)
        {
            if (!Guid.TryParseExact(pageToken, "N", out var after) || !string.Equals(after.ToString("N"), pageToken, StringComparison.Ordinal))
            {
                throw new StorageValidationException("pageToken", "pageToken is not a token this API returned; pass nextPageToken from the previous page unchanged.");
            }

#pragma warning disable CA1309 // Translated to SQL: ids are lower-case hex, compared byte-wise ("C" collation on PostgreSQL, BINARY on SQLite).
            query = query.Where(f => string.Compare(f.Id, pageToken) < 0);
#pragma warning restore CA1309
        }

        var rows = await query.OrderByDescending(f => f.Id).Take(limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var more = rows.Count > limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new StoredFilePage(rows.Select(ToFile).ToList(), more ? rows[^1].Id : null);
    }

    /// <summary>Deletes the file: its metadata and its quota share at once, then its content.</summary>
    /// <exception cref="StorageFileNotFoundException">No such file in the tenant.</exception>
    public async Task DeleteAsync(string tenantId, Guid id, string? userId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var key = id.ToString("N");
        var strategy = _db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var size = await _db.Files.Where(f => f.TenantId == tenantId && f.Id == key).Select(f => (long?)f.Size).SingleOrDefaultAsync(ct).ConfigureAwait(false)
                    ?? throw new StorageFileNotFoundException(id);
                if (await _db.Files.Where(f => f.TenantId == tenantId && f.Id == key).ExecuteDeleteAsync(ct).ConfigureAwait(false) == 0)
                {
                    throw new StorageFileNotFoundException(id);
                }

                await _db.Usage.Where(u => u.TenantId == tenantId)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.UsedBytes, u => u.UsedBytes - size).SetProperty(u => u.FileCount, u => u.FileCount - 1), ct)
                    .ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);

        await _blobs.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        await _audit.WriteAsync(new AuditEvent("storage.file.deleted", AuditOutcome.Success)
        {
            TenantId = tenantId,
            ActorUserId = userId,
            TargetType = "file",
            TargetId = key,
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// A signed link to the file's content valid for <paramref name="lifetime"/> (default <c>Links:DefaultLifetimeSeconds</c>): an S3 presigned
    /// URL, or for the file system a link to <paramref name="contentEndpoint"/> carrying the tenant, the expiry and an HMAC over both and the id.
    /// </summary>
    /// <exception cref="StorageFileNotFoundException">No such file in the tenant.</exception>
    /// <exception cref="StorageValidationException"><paramref name="lifetime"/> is out of range.</exception>
    public async Task<StorageLink> CreateLinkAsync(string tenantId, Guid id, Uri contentEndpoint, TimeSpan? lifetime = null, string? userId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(contentEndpoint);
        var links = _options.Value.Links;
        var seconds = lifetime is { } l ? (long)Math.Ceiling(l.TotalSeconds) : links.DefaultLifetimeSeconds;
        if (seconds < 1 || seconds > links.MaxLifetimeSeconds)
        {
            throw new StorageValidationException("expiresInSeconds", string.Create(CultureInfo.InvariantCulture, $"expiresInSeconds is {seconds}; use 1 to {links.MaxLifetimeSeconds}."));
        }

        var entity = await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds() + seconds);
        var url = await _blobs.GetReadUrlAsync(entity.Id, expiresAt, entity.ContentType, entity.Name, cancellationToken).ConfigureAwait(false);
        if (url is null)
        {
            var expires = expiresAt.ToUnixTimeSeconds();
            var signature = await _signer.SignAsync(tenantId, entity.Id, expires, cancellationToken).ConfigureAwait(false);
            var query = string.Create(CultureInfo.InvariantCulture,
                $"tenant={Uri.EscapeDataString(tenantId)}&expires={expires}&signature={signature}");
            url = new UriBuilder(contentEndpoint) { Query = query }.Uri;
        }

        await _audit.WriteAsync(new AuditEvent("storage.link.created", AuditOutcome.Success)
        {
            TenantId = tenantId,
            ActorUserId = userId,
            TargetType = "file",
            TargetId = entity.Id,
            Data = new Dictionary<string, string?>(StringComparer.Ordinal) { ["expiresAt"] = expiresAt.ToString("O", CultureInfo.InvariantCulture) },
        }, CancellationToken.None).ConfigureAwait(false);
        return new StorageLink(url, expiresAt);
    }

    /// <summary>Opens the content a signed link names, after checking its signature and expiry.</summary>
    /// <exception cref="StorageLinkRefusedException">The signature does not match (tampered) or the link has expired.</exception>
    public async Task<(StoredFile File, Stream Content)> OpenSignedAsync(string tenantId, Guid id, long expiresUnixSeconds, string signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(signature);
        if (!await _signer.VerifyAsync(tenantId, id.ToString("N"), expiresUnixSeconds, signature, cancellationToken).ConfigureAwait(false))
        {
            throw new StorageLinkRefusedException("The link's signature does not match: it was changed or was not issued by this service.");
        }

        if (_time.GetUtcNow().ToUnixTimeSeconds() >= expiresUnixSeconds)
        {
            throw new StorageLinkRefusedException(string.Create(CultureInfo.InvariantCulture,
                $"The link expired at {DateTimeOffset.FromUnixTimeSeconds(expiresUnixSeconds):O}; ask for a new one."));
        }

        return await OpenReadAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StorageFileEntity> FindAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var key = id.ToString("N");
        return await _db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.TenantId == tenantId && f.Id == key, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageFileNotFoundException(id);
    }

    private static void CheckType(string tenantId, string detected, string? declared, StorageOptions options)
    {
        if (declared is not null && !string.Equals(declared, ContentTypes.Unknown, StringComparison.Ordinal) && !string.Equals(declared, detected, StringComparison.Ordinal))
        {
            throw new StorageUnsupportedTypeException(detected, declared,
                $"The file was declared as {declared}, but its content is {(string.Equals(detected, ContentTypes.Unknown, StringComparison.Ordinal) ? "of no recognised type" : detected)}.");
        }

        var allowed = options.EffectiveAllowedTypes(tenantId);
        if (!allowed.Contains(detected, StringComparer.OrdinalIgnoreCase))
        {
            throw new StorageUnsupportedTypeException(detected, declared, string.Equals(detected, ContentTypes.Unknown, StringComparison.Ordinal)
                ? $"The file's content is of no recognised type; allowed types: {string.Join(", ", allowed)}."
                : $"The file's content is {detected}, which is not allowed here; allowed types: {string.Join(", ", allowed)}.");
        }
    }

    private static StorageLimitExceededException TooLarge(long max, long size) =>
        new("MaxFileBytes", max, string.Create(CultureInfo.InvariantCulture,
            $"The file is larger than the limit of {max} bytes ({size} bytes or more); nothing was stored."));

    private static StorageLimitExceededException ImageTooLarge(long max, long size) =>
        new("Images:MaxInputBytes", max, string.Create(CultureInfo.InvariantCulture,
            $"The image is larger than the {max} bytes that are decoded in memory (Foundation:Storage:Images:MaxInputBytes; {size} bytes or more); nothing was processed or stored."));

    private static StorageLimitExceededException OverQuota(long quota, long left) =>
        new("TenantQuotaBytes", left, string.Create(CultureInfo.InvariantCulture,
            $"The file does not fit in the tenant's storage quota of {quota} bytes ({left} bytes left); nothing was stored. Delete files or ask for a larger quota."));

    private static StoredFile ToFile(StorageFileEntity e) =>
        new(Guid.ParseExact(e.Id, "N"), e.Name, e.ContentType, e.Size, e.Sha256, e.CreatedAt);
}
