using System.Globalization;
using Foundation.Storage.Content;
using SkiaSharp;

namespace Foundation.Storage.Images;

/// <summary>An image after processing: its encoded bytes and their type.</summary>
internal sealed record ProcessedImage(byte[] Content, string ContentType, int Width, int Height);

/// <summary>
/// Decodes, orients, scales and re-encodes images with SkiaSharp. The dimensions are read from the header (<see cref="SKCodec"/> parses only
/// the header when it is created) and checked against <see cref="StorageImageOptions.MaxPixels"/> before a pixel is decoded; a decode that does
/// not complete (truncated or corrupt data) is refused, never stored half-grey. Re-encoding writes pixels only, so EXIF, GPS, XMP and comments
/// are left behind. At most <see cref="StorageImageOptions.MaxConcurrentDecodes"/> images are decoded at once.
/// </summary>
internal sealed class ImageProcessor : IDisposable
{
    private readonly SemaphoreSlim _gate;

    public ImageProcessor(int maxConcurrentDecodes) => _gate = new SemaphoreSlim(Math.Max(1, maxConcurrentDecodes));

    /// <summary>The types processed: JPEG, PNG, WebP and GIF (first frame).</summary>
    public static bool IsImage(string contentType) =>
        contentType is ContentTypes.Jpeg or ContentTypes.Png or ContentTypes.WebP or ContentTypes.Gif;

    /// <summary>The type an image of <paramref name="contentType"/> is stored as: the same, except GIF (SkiaSharp has no GIF encoder) as PNG.</summary>
    public static string OutputType(string contentType) => string.Equals(contentType, ContentTypes.Gif, StringComparison.Ordinal) ? ContentTypes.Png : contentType;

    /// <summary>Re-encodes an upload: orientation applied, scaled to fit the configured maximum, metadata dropped.</summary>
    /// <exception cref="StorageLimitExceededException">The header names more than <see cref="StorageImageOptions.MaxPixels"/> pixels.</exception>
    /// <exception cref="StorageValidationException">The bytes start like an image but do not decode (truncated or corrupt).</exception>
    public Task<ProcessedImage> ReencodeAsync(ReadOnlyMemory<byte> image, string contentType, StorageImageOptions options, CancellationToken cancellationToken) =>
        RunAsync(() => Guarded(image.Span, contentType, options.MaxWidth, options.MaxHeight, options, upload: true), cancellationToken);

    /// <summary>A thumbnail whose longest side is at most <paramref name="size"/> (never enlarged), in the image's own format (GIF as PNG).</summary>
    public Task<ProcessedImage> ThumbnailAsync(ReadOnlyMemory<byte> image, string contentType, int size, StorageImageOptions options, CancellationToken cancellationToken) =>
        RunAsync(() => Guarded(image.Span, contentType, size, size, options, upload: false), cancellationToken);

    private async Task<ProcessedImage> RunAsync(Func<ProcessedImage> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whatever the codec throws on hostile input (it reports most failures as results) is the client's bad image, never a 500.</summary>
    private static ProcessedImage Guarded(ReadOnlySpan<byte> bytes, string contentType, int maxWidth, int maxHeight, StorageImageOptions options, bool upload)
    {
        try
        {
            return Process(bytes, contentType, maxWidth, maxHeight, options, upload);
        }
        catch (Exception e) when (e is not StorageException and not OutOfMemoryException)
        {
            throw Corrupt(contentType, upload, e.GetType().Name + ": " + e.Message);
        }
    }

    private static ProcessedImage Process(ReadOnlySpan<byte> bytes, string contentType, int maxWidth, int maxHeight, StorageImageOptions options, bool upload)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw Corrupt(contentType, upload, "no decoder accepts its header");

        // The header's dimensions, before anything is decoded: a few hundred bytes may claim billions of pixels.
        var header = codec.Info;
        var pixels = (long)header.Width * header.Height;
        if (header.Width <= 0 || header.Height <= 0)
        {
            throw Corrupt(contentType, upload, "no dimensions");
        }

        if (pixels > options.MaxPixels)
        {
            throw new StorageLimitExceededException("Images:MaxPixels", options.MaxPixels, string.Create(CultureInfo.InvariantCulture,
                $"The image is {header.Width} x {header.Height} = {pixels} pixels, more than the limit of {options.MaxPixels} (Foundation:Storage:Images:MaxPixels); it was not decoded{(upload ? " and nothing was stored" : string.Empty)}."));
        }

        // Orientation: EXIF 5-8 swap the axes. The target fits the maximum in the ORIENTED frame, never enlarged.
        var origin = codec.EncodedOrigin;
        var swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (orientedWidth, orientedHeight) = swaps ? (header.Height, header.Width) : (header.Width, header.Height);
        var (targetWidth, targetHeight) = Fit(orientedWidth, orientedHeight, maxWidth, maxHeight);
        var (drawWidth, drawHeight) = swaps ? (targetHeight, targetWidth) : (targetWidth, targetHeight);

        // JPEG and WebP decode at a reduced scale natively (1/2, 1/4, 1/8 ...): use the smallest one still at least as large as the target.
        var decodeSize = new SKSizeI(header.Width, header.Height);
        if (drawWidth < header.Width)
        {
            var scaled = codec.GetScaledDimensions((float)drawWidth / header.Width);
            if (scaled.Width >= drawWidth && scaled.Height >= drawHeight && scaled.Width <= header.Width)
            {
                decodeSize = scaled;
            }
        }

        var alpha = header.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, alpha, SKColorSpace.CreateSrgb());
        using var decoded = new SKBitmap();
        if (!decoded.TryAllocPixels(decodeInfo))
        {
            throw new StorageLimitExceededException("Images:MaxPixels", options.MaxPixels, "The image's pixels could not be allocated; it was not processed.");
        }

        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result == SKCodecResult.InvalidScale && decodeSize != new SKSizeI(header.Width, header.Height))
        {
            return ProcessUnscaled(codec, header, contentType, origin, drawWidth, drawHeight, targetWidth, targetHeight, alpha, options, upload);
        }

        if (result != SKCodecResult.Success)
        {
            throw Corrupt(contentType, upload, result.ToString());
        }

        return Finish(decoded, contentType, origin, drawWidth, drawHeight, targetWidth, targetHeight, alpha, options, upload);
    }

    private static ProcessedImage ProcessUnscaled(SKCodec codec, SKImageInfo header, string contentType, SKEncodedOrigin origin, int drawWidth, int drawHeight,
        int targetWidth, int targetHeight, SKAlphaType alpha, StorageImageOptions options, bool upload)
    {
        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Rgba8888, alpha, SKColorSpace.CreateSrgb());
        using var decoded = new SKBitmap();
        if (!decoded.TryAllocPixels(info))
        {
            throw new StorageLimitExceededException("Images:MaxPixels", options.MaxPixels, "The image's pixels could not be allocated; it was not processed.");
        }

        var result = codec.GetPixels(info, decoded.GetPixels());
        return result == SKCodecResult.Success
            ? Finish(decoded, contentType, origin, drawWidth, drawHeight, targetWidth, targetHeight, alpha, options, upload)
            : throw Corrupt(contentType, upload, result.ToString());
    }

    private static ProcessedImage Finish(SKBitmap decoded, string contentType, SKEncodedOrigin origin, int drawWidth, int drawHeight, int targetWidth,
        int targetHeight, SKAlphaType alpha, StorageImageOptions options, bool upload)
    {
        var outputType = OutputType(contentType);
        if (origin is SKEncodedOrigin.TopLeft && decoded.Width == targetWidth && decoded.Height == targetHeight)
        {
            return Encode(decoded, outputType, options, contentType, upload);
        }

        using var target = new SKBitmap(new SKImageInfo(targetWidth, targetHeight, SKColorType.Rgba8888, alpha, SKColorSpace.CreateSrgb()));
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(SKColors.Transparent);

            // Applied to the pixels right to left: scale the decoded bitmap to the pre-rotation size, then orient it.
            canvas.SetMatrix(Orientation(origin, drawWidth, drawHeight));
            canvas.Scale((float)drawWidth / decoded.Width, (float)drawHeight / decoded.Height);
            using var paint = new SKPaint();
            canvas.DrawBitmap(decoded, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
        }

        return Encode(target, outputType, options, contentType, upload);
    }

    private static ProcessedImage Encode(SKBitmap bitmap, string outputType, StorageImageOptions options, string contentType, bool upload)
    {
        var (format, quality) = outputType switch
        {
            ContentTypes.Jpeg => (SKEncodedImageFormat.Jpeg, options.Quality),
            ContentTypes.WebP => (SKEncodedImageFormat.Webp, options.Quality),
            _ => (SKEncodedImageFormat.Png, 100),
        };
        using var encoded = bitmap.Encode(format, quality) ?? throw Corrupt(contentType, upload, "the encoder failed");
        return new ProcessedImage(encoded.ToArray(), outputType, bitmap.Width, bitmap.Height);
    }

    /// <summary>The largest size within <paramref name="maxWidth"/> x <paramref name="maxHeight"/> with the same aspect ratio, never larger than the original.</summary>
    internal static (int Width, int Height) Fit(int width, int height, int maxWidth, int maxHeight)
    {
        if (width <= maxWidth && height <= maxHeight)
        {
            return (width, height);
        }

        var scale = Math.Min((double)maxWidth / width, (double)maxHeight / height);
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>The matrix that maps a <paramref name="width"/> x <paramref name="height"/> image stored with <paramref name="origin"/> upright.</summary>
    private static SKMatrix Orientation(SKEncodedOrigin origin, float width, float height) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, height, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, height, -1, 0, width, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1),
        _ => SKMatrix.Identity,
    };

    private static StorageException Corrupt(string contentType, bool upload, string reason) => upload
        ? new StorageValidationException("file", string.Create(CultureInfo.InvariantCulture,
            $"The file starts like {contentType} but does not decode as one ({reason}): it is truncated or corrupt; nothing was stored."))
        : new StorageUnsupportedTypeException(contentType, null, string.Create(CultureInfo.InvariantCulture,
            $"The file is stored as {contentType} but does not decode as one ({reason}); no thumbnail can be made of it."));

    public void Dispose() => _gate.Dispose();
}
