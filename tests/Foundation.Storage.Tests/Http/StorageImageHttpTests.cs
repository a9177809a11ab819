using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Foundation.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace Foundation.Storage.Tests.Http;

/// <summary>
/// Image processing over HTTP (<c>Foundation:Storage:Images</c>): re-encoding that applies the EXIF orientation and drops metadata, the size
/// cap, the decompression-bomb guard, corrupt images, the in-memory cap, and thumbnails on request; on a real database and backend.
/// </summary>
public abstract class StorageImageHttpTests<TDatabase>(TDatabase database, S3rverServer? s3 = null) : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : StorageTestDatabase
{
    private const string Secret = "SECRET-LOCATION-42";
    private readonly string _tenant = Foundation.Testing.StoreTestDatabase.NewTenant();
    private StorageTestHost _host = null!;

    private string User => $"u-1;{_tenant};member";

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Foundation:Storage:Images:Enabled"] = "true",
            ["Foundation:Storage:Images:MaxWidth"] = "400",
            ["Foundation:Storage:Images:MaxHeight"] = "400",
            ["Foundation:Storage:Images:ThumbnailSizes:0"] = "64",
            ["Foundation:Storage:Images:ThumbnailSizes:1"] = "128",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async Task InitializeAsync() => _host = await StorageTestHost.StartAsync(database, Settings(), s3);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_jpeg_with_exif_gps_is_stored_upright_without_metadata_and_its_hash_size_and_quota_are_the_stored_bytes()
    {
        // 300 x 200, left half red, right half blue, EXIF orientation 6 (rotate 90 degrees clockwise to display) and GPS tags.
        var original = WithExif(Jpeg(300, 200), orientation: 6);
        Segments(original).ShouldContain(0xE1);
        original.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Secret)).ShouldBeGreaterThan(0);

        var stored = await UploadAsync(_host, original, "photo.jpg", "image/jpeg");
        stored.GetProperty("contentType").GetString().ShouldBe("image/jpeg");
        var content = await DownloadAsync(Id(stored));

        stored.GetProperty("size").GetInt64().ShouldBe(content.Length);
        stored.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(content)));
        content.ShouldNotBe(original);
        (await _host.BlobSizesAsync()).ShouldHaveSingleItem().ShouldBe(content.Length);
        await using (var db = database.CreateContext())
        {
            (await db.Usage.SingleAsync(u => u.TenantId == _tenant)).UsedBytes.ShouldBe(content.Length);
        }

        // No APP1 (EXIF/XMP) segment, none of the EXIF bytes, and it still decodes: upright, so 200 wide and 300 tall with red on top.
        Segments(content).ShouldNotContain(0xE1);
        content.AsSpan().IndexOf("Exif\0\0"u8).ShouldBe(-1);
        content.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Secret)).ShouldBe(-1);
        using var bitmap = SKBitmap.Decode(content);
        bitmap.ShouldNotBeNull();
        (bitmap.Width, bitmap.Height).ShouldBe((200, 300));
        ShouldBeRed(bitmap.GetPixel(100, 40));
        ShouldBeBlue(bitmap.GetPixel(100, 260));
    }

    [Fact]
    public async Task A_large_image_is_scaled_down_keeping_its_aspect_ratio_and_a_gif_is_stored_as_png()
    {
        var wide = await UploadAsync(_host, Png(1000, 500), "wide.png", "image/png");
        using (var bitmap = SKBitmap.Decode(await DownloadAsync(Id(wide))))
        {
            (bitmap.Width, bitmap.Height).ShouldBe((400, 200));
        }

        var small = Png(120, 80);
        var kept = await UploadAsync(_host, small, "small.png", "image/png");
        using (var bitmap = SKBitmap.Decode(await DownloadAsync(Id(kept))))
        {
            (bitmap.Width, bitmap.Height).ShouldBe((120, 80));
        }

        var gif = await UploadAsync(_host, Gif1x1, "dot.gif", "image/gif");
        gif.GetProperty("contentType").GetString().ShouldBe("image/png");
        gif.GetProperty("name").GetString().ShouldBe("dot.png");
        var png = await DownloadAsync(Id(gif));
        png.AsSpan(0, 8).SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).ShouldBeTrue();
        using (var bitmap = SKBitmap.Decode(png))
        {
            (bitmap.Width, bitmap.Height).ShouldBe((1, 1));
        }
    }

    [Fact]
    public async Task A_header_claiming_too_many_pixels_is_413_naming_MaxPixels_before_decoding_and_stores_nothing()
    {
        // 60,000 x 60,000 (3.6 billion pixels, 14 GB decoded) in under 100 bytes.
        var bomb = PngHeaderOnly(60_000, 60_000);
        bomb.Length.ShouldBeLessThan(100);
        using var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=bomb.png", User, Bytes(bomb, "image/png")));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, text);
        using var body = JsonDocument.Parse(text);
        body.RootElement.GetProperty("limit").GetString().ShouldBe("Images:MaxPixels");
        text.ShouldContain("60000 x 60000");
        await ShouldHaveNothingStoredAsync();
    }

    [Fact]
    public async Task A_truncated_or_corrupt_image_is_400_naming_it_and_stores_nothing()
    {
        var jpeg = Jpeg(300, 200, noise: true);
        var truncated = jpeg[..(jpeg.Length / 2)];
        using (var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=cut.jpg", User, Bytes(truncated, "image/jpeg"))))
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
            using var body = JsonDocument.Parse(text);
            body.RootElement.GetProperty("errors").GetProperty("file")[0].GetString()!.ShouldContain("truncated or corrupt");
            text.ShouldContain("image/jpeg");
        }

        // A PNG signature followed by noise.
        var corrupt = RandomNumberGenerator.GetBytes(2000);
        ((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).CopyTo(corrupt);
        using (var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files", User, Multipart(corrupt, "noise.png", "image/png"))))
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
            text.ShouldContain("image/png");
        }

        await ShouldHaveNothingStoredAsync();
    }

    [Fact]
    public async Task An_image_over_MaxInputBytes_is_refused_while_it_streams_and_stores_nothing()
    {
        await using var limited = await StorageTestHost.StartAsync(database, Settings(("Foundation:Storage:Images:MaxInputBytes", "4096")), s3);
        var image = Jpeg(300, 200, noise: true);
        image.Length.ShouldBeGreaterThan(4096);

        // Streamed without a declared length: refused once the 4,096th byte is passed.
        var body = new StreamContent(new PatternStream(image));
        body.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using (var response = await limited.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=big.jpg", User, body)))
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, text);
            JsonDocument.Parse(text).RootElement.GetProperty("limit").GetString().ShouldBe("Images:MaxInputBytes");
        }

        // Declared: refused before it is read.
        using (var response = await limited.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=big.jpg", User, Bytes(image, "image/jpeg"))))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        }

        (await limited.BlobSizesAsync()).ShouldBeEmpty();
        await ShouldHaveNothingStoredAsync();
    }

    [Fact]
    public async Task A_thumbnail_is_made_on_request_in_allowed_sizes_only_for_images_of_the_callers_tenant()
    {
        var photo = Id(await UploadAsync(_host, WithExif(Jpeg(300, 200), orientation: 6), "photo.jpg", "image/jpeg"));
        using (var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{photo}/thumbnail?size=128", User)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
            response.Headers.ETag.ShouldNotBeNull();
            var thumbnail = await response.Content.ReadAsByteArrayAsync();
            Segments(thumbnail).ShouldNotContain(0xE1);
            using var bitmap = SKBitmap.Decode(thumbnail);
            (bitmap.Width, bitmap.Height).ShouldBe((85, 128));
            ShouldBeRed(bitmap.GetPixel(42, 15));
            ShouldBeBlue(bitmap.GetPixel(42, 113));
        }

        foreach (var (query, needle) in new[] { ("size=100", "64, 128"), ("size=big", "'big'"), (string.Empty, "missing") })
        {
            using var bad = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{photo}/thumbnail?{query}", User));
            var text = await bad.Content.ReadAsStringAsync();
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
            using var body = JsonDocument.Parse(text);
            body.RootElement.GetProperty("errors").GetProperty("size")[0].GetString()!.ShouldContain(needle);
        }

        var pdf = Id(await UploadAsync(_host, Encoding.ASCII.GetBytes("%PDF-1.7\n%%EOF\n"), "doc.pdf", "application/pdf"));
        using (var notImage = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{pdf}/thumbnail?size=64", User)))
        {
            var text = await notImage.Content.ReadAsStringAsync();
            notImage.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType, text);
            JsonDocument.Parse(text).RootElement.GetProperty("detectedType").GetString().ShouldBe("application/pdf");
        }

        using (var stranger = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{photo}/thumbnail?size=64", $"u-2;other-{_tenant};admin")))
        {
            stranger.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        using (var anonymous = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{photo}/thumbnail?size=64", null)))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task With_processing_off_an_image_is_stored_byte_for_byte_and_still_has_thumbnails()
    {
        await using var plain = await StorageTestHost.StartAsync(database, s3: s3);
        var original = WithExif(Jpeg(300, 200), orientation: 6);
        var stored = await UploadAsync(plain, original, "photo.jpg", "image/jpeg");
        stored.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(original)));
        using var response = await plain.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{Id(stored)}/thumbnail?size=256", User));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var thumbnail = await response.Content.ReadAsByteArrayAsync();
        thumbnail.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Secret)).ShouldBe(-1);
        using var bitmap = SKBitmap.Decode(thumbnail);
        (bitmap.Width, bitmap.Height).ShouldBe((171, 256));
        ShouldBeRed(bitmap.GetPixel(85, 30));
    }

    private async Task ShouldHaveNothingStoredAsync()
    {
        (await _host.BlobSizesAsync()).ShouldBeEmpty();
        await using var db = database.CreateContext();
        (await db.Files.CountAsync(f => f.TenantId == _tenant)).ShouldBe(0);
        ((await db.Usage.Where(u => u.TenantId == _tenant).Select(u => (long?)u.UsedBytes).SingleOrDefaultAsync()) ?? 0).ShouldBe(0);
    }

    private async Task<JsonElement> UploadAsync(StorageTestHost host, byte[] content, string name, string type)
    {
        using var response = await host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files", User, Multipart(content, name, type)));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<byte[]> DownloadAsync(string id)
    {
        using var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{id}/content", User));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string Id(JsonElement file) => file.GetProperty("id").GetString()!;

    private static MultipartFormDataContent Multipart(byte[] content, string name, string type)
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        return new MultipartFormDataContent { { part, "file", name } };
    }

    private static ByteArrayContent Bytes(byte[] content, string type)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(type);
        return body;
    }

    private static void ShouldBeRed(SKColor c) => (c.Red > 200 && c.Blue < 60).ShouldBeTrue($"expected red, got {c}");

    private static void ShouldBeBlue(SKColor c) => (c.Blue > 200 && c.Red < 60).ShouldBeTrue($"expected blue, got {c}");

    /// <summary>The classic 1 x 1 GIF89a (two-colour palette, one white pixel).</summary>
    private static readonly byte[] Gif1x1 = Convert.FromHexString("47494638396101000100800000000000FFFFFF2C00000000010001000002024401003B");

    private static SKBitmap Draw(int width, int height, bool noise)
    {
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        using var red = new SKPaint { Color = SKColors.Red };
        using var blue = new SKPaint { Color = SKColors.Blue };
        canvas.DrawRect(0, 0, width / 2f, height, red);
        canvas.DrawRect(width / 2f, 0, width / 2f, height, blue);
        if (noise)
        {
            var random = new Random(7);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
                }
            }
        }

        return bitmap;
    }

    private static byte[] Jpeg(int width, int height, bool noise = false)
    {
        using var bitmap = Draw(width, height, noise);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        return data.ToArray();
    }

    private static byte[] Png(int width, int height)
    {
        using var bitmap = Draw(width, height, noise: false);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// The JPEG with an APP1 "Exif" segment right after SOI: IFD0 with ImageDescription (<see cref="Secret"/>), Orientation and a GPS IFD
    /// pointer; the GPS IFD with GPSLatitudeRef N and GPSLatitude 48/1 51/1 2960/100. Big-endian TIFF.
    /// </summary>
    private static byte[] WithExif(byte[] jpeg, ushort orientation)
    {
        var tiff = new byte[124];
        var t = tiff.AsSpan();
        "MM"u8.CopyTo(t);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], 42);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], 8);
        BinaryPrimitives.WriteUInt16BigEndian(t[8..], 3);
        Entry(t[10..], 0x010E, 2, (uint)Secret.Length + 1, 50);
        Entry(t[22..], 0x0112, 3, 1, (uint)orientation << 16);
        Entry(t[34..], 0x8825, 4, 1, 70);
        BinaryPrimitives.WriteUInt32BigEndian(t[46..], 0);
        Encoding.ASCII.GetBytes(Secret).CopyTo(t[50..]);
        BinaryPrimitives.WriteUInt16BigEndian(t[70..], 2);
        Entry(t[72..], 0x0001, 2, 2, (uint)'N' << 24);
        Entry(t[84..], 0x0002, 5, 3, 100);
        BinaryPrimitives.WriteUInt32BigEndian(t[96..], 0);
        uint[] rationals = [48, 1, 51, 1, 2960, 100];
        for (var i = 0; i < rationals.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(t[(100 + (i * 4))..], rationals[i]);
        }

        var segment = new List<byte> { 0xFF, 0xE1 };
        var length = 2 + 6 + tiff.Length;
        segment.Add((byte)(length >> 8));
        segment.Add((byte)length);
        segment.AddRange("Exif\0\0"u8.ToArray());
        segment.AddRange(tiff);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];

        static void Entry(Span<byte> at, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(at, tag);
            BinaryPrimitives.WriteUInt16BigEndian(at[2..], type);
            BinaryPrimitives.WriteUInt32BigEndian(at[4..], count);
            BinaryPrimitives.WriteUInt32BigEndian(at[8..], value);
        }
    }

    /// <summary>The markers of a JPEG's segments from SOI up to the start of scan.</summary>
    private static List<int> Segments(byte[] jpeg)
    {
        jpeg[0].ShouldBe((byte)0xFF);
        jpeg[1].ShouldBe((byte)0xD8);
        var markers = new List<int>();
        var i = 2;
        while (i + 3 < jpeg.Length)
        {
            jpeg[i].ShouldBe((byte)0xFF, $"no marker at {i}");
            while (jpeg[i + 1] == 0xFF)
            {
                i++;
            }

            var marker = jpeg[i + 1];
            markers.Add(marker);
            if (marker == 0xDA)
            {
                break;
            }

            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
        }

        return markers;
    }

    /// <summary>A PNG signature, an IHDR claiming the dimensions, one tiny IDAT and IEND: the header of an image far larger than its bytes.</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 6; // RGBA
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return [.. png];

        static void Chunk(List<byte> png, string type, byte[] data)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            png.AddRange(length);
            var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            png.AddRange(typed);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
            png.AddRange(crc);
        }
    }

    /// <summary>PNG's CRC-32 (ISO 3309, reflected 0xEDB88320): a checksum the format needs, not a cryptographic primitive.</summary>
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}

[Collection(StorageHttpSequence.Name)]
public sealed class StorageImageHttpTestsOnSqlite(SqliteStorageDatabase database) : StorageImageHttpTests<SqliteStorageDatabase>(database);

[Collection(StorageHttpSequence.Name)]
public sealed class StorageImageHttpTestsOnPostgres(PostgresStorageDatabase database) : StorageImageHttpTests<PostgresStorageDatabase>(database);

/// <summary>The same with the content in a real S3-compatible server (s3rver): re-encoded bytes and thumbnails go through the S3 backend.</summary>
[Collection(StorageHttpSequence.Name)]
public sealed class StorageImageHttpTestsOnSqliteWithS3(SqliteStorageDatabase database, S3rverServer s3)
    : StorageImageHttpTests<SqliteStorageDatabase>(database, s3), IClassFixture<S3rverServer>;
