namespace Foundation.Storage.Images;

/// <summary>
/// Processing of uploaded images with SkiaSharp (<c>Foundation:Storage:Images</c>): re-encoding that strips metadata, a size cap, a guard
/// against decompression bombs, and thumbnails on request.
/// </summary>
public sealed class StorageImageOptions
{
    /// <summary>The thumbnail sizes allowed when <see cref="ThumbnailSizes"/> is empty: 64, 128, 256 and 512 pixels.</summary>
    public static readonly IReadOnlyList<int> DefaultThumbnailSizes = [64, 128, 256, 512];

    /// <summary>
    /// Re-encode every uploaded JPEG, PNG, WebP and GIF (its first frame, stored as PNG) before it is stored: the EXIF orientation is applied,
    /// the image is scaled down to <see cref="MaxWidth"/> x <see cref="MaxHeight"/>, and metadata (EXIF, GPS, XMP, comments) is dropped. The
    /// original is not kept; size, SHA-256 and quota are those of the re-encoded bytes. Default false (files are stored byte for byte).
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>The widest a re-encoded image may be, in pixels (default 4096); a wider one is scaled down keeping its aspect ratio.</summary>
    public int MaxWidth { get; set; } = 4096;

    /// <summary>The tallest a re-encoded image may be, in pixels (default 4096); a taller one is scaled down keeping its aspect ratio.</summary>
    public int MaxHeight { get; set; } = 4096;

    /// <summary>
    /// The most pixels (width x height, read from the image's header before anything is decoded) an image may have to be decoded, for a
    /// re-encoded upload or a thumbnail (default 25,000,000: 100 MB of decoded pixels). A larger one is refused with 413 naming
    /// <c>Images:MaxPixels</c>: a small file claiming huge dimensions (a decompression bomb) never reaches the decoder.
    /// </summary>
    public long MaxPixels { get; set; } = 25_000_000;

    /// <summary>
    /// The largest image, in bytes, that is read into memory to be decoded (default 33,554,432 = 32 MiB): an upload to be re-encoded, or a
    /// stored image a thumbnail is made of. A larger image is refused with 413 naming <c>Images:MaxInputBytes</c> while it streams in.
    /// </summary>
    public long MaxInputBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>The JPEG and WebP encoding quality, 1 to 100 (default 85). PNG is lossless.</summary>
    public int Quality { get; set; } = 85;

    /// <summary>
    /// The thumbnail sizes a caller may ask for (<c>GET /api/v1/files/{id}/thumbnail?size=</c>): the longest side, in pixels. Empty means
    /// <see cref="DefaultThumbnailSizes"/>.
    /// </summary>
    public List<int> ThumbnailSizes { get; set; } = [];

    /// <summary>
    /// How many images are decoded at once in this process (default 2); further uploads and thumbnails wait their turn. With
    /// <see cref="MaxPixels"/> and <see cref="MaxInputBytes"/> this bounds the memory image processing takes.
    /// </summary>
    public int MaxConcurrentDecodes { get; set; } = 2;

    internal IReadOnlyList<int> EffectiveThumbnailSizes => ThumbnailSizes.Count > 0 ? ThumbnailSizes : DefaultThumbnailSizes;
}
