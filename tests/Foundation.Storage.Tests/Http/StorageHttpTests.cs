using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Foundation.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Storage.Tests.Http;

/// <summary>Foundation.Storage over HTTP in a host that maps only <c>MapFoundationStorageApi()</c>, file-system backend, real database.</summary>
public abstract class StorageHttpTests<TDatabase>(TDatabase database, S3rverServer? s3 = null) : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : StorageTestDatabase
{
    protected static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private readonly string _tenant = Foundation.Testing.StoreTestDatabase.NewTenant();
    private StorageTestHost _host = null!;

    protected StorageTestHost Host => _host;

    protected string Tenant => _tenant;

    protected string User => $"u-1;{_tenant};member";

    public async Task InitializeAsync() => _host = await StorageTestHost.StartAsync(database, s3: s3);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_multipart_upload_downloads_byte_identical_with_its_sha256()
    {
        var content = RandomPng(50_000);
        var stored = await UploadMultipartAsync(_host, User, content, "photo.png", "image/png");
        stored.GetProperty("contentType").GetString().ShouldBe("image/png");
        stored.GetProperty("size").GetInt64().ShouldBe(content.Length);
        stored.GetProperty("name").GetString().ShouldBe("photo.png");
        stored.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(content)));

        using var download = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{Id(stored)}/content", User));
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        download.Headers.ETag!.Tag.ShouldBe("\"" + stored.GetProperty("sha256").GetString() + "\"");
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(content);
    }

    [Fact]
    public async Task A_raw_upload_downloads_byte_identical_and_its_metadata_is_readable()
    {
        using var upload = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=report.pdf", User, Bytes(Pdf, "application/pdf")));
        var text = await upload.Content.ReadAsStringAsync();
        upload.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        using var body = JsonDocument.Parse(text);
        var id = Id(body.RootElement);
        upload.Headers.Location!.ToString().ShouldBe("/api/v1/files/" + id);
        body.RootElement.GetProperty("contentType").GetString().ShouldBe("application/pdf");
        body.RootElement.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Pdf)));

        using var meta = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, "/api/v1/files/" + id, User));
        meta.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var download = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{id}/content", User));
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(Pdf);
    }

    [Fact]
    public async Task The_list_pages_newest_first_by_keyset_and_delete_removes_row_quota_and_blob()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(Id(await UploadMultipartAsync(_host, User, Encoding.UTF8.GetBytes($"note {i}\n"), $"n{i}.txt", "text/plain")));
            _host.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await GetJsonAsync($"/api/v1/files?limit=2");
        first.GetProperty("items").EnumerateArray().Select(Id).ShouldBe([ids[2], ids[1]]);
        var token = first.GetProperty("nextPageToken").GetString()!;

        // A file added meanwhile does not shift the next page.
        var late = Id(await UploadMultipartAsync(_host, User, "late\n"u8.ToArray(), "late.txt", "text/plain"));
        var second = await GetJsonAsync($"/api/v1/files?limit=2&pageToken={token}");
        second.GetProperty("items").EnumerateArray().Select(Id).ShouldBe([ids[0]]);
        second.GetProperty("nextPageToken").ValueKind.ShouldBe(JsonValueKind.Null);

        using (var bad = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, "/api/v1/files?pageToken=nope", User)))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await bad.Content.ReadAsStringAsync()).ShouldContain("pageToken");
        }

        var blobsBefore = (await _host.BlobSizesAsync()).Count;
        using (var deleted = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Delete, "/api/v1/files/" + late, User)))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await _host.BlobSizesAsync()).Count.ShouldBe(blobsBefore - 1);
        using (var gone = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, "/api/v1/files/" + late, User)))
        {
            gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        await using var db = database.CreateContext();
        var usage = await db.Usage.SingleAsync(u => u.TenantId == _tenant);
        usage.FileCount.ShouldBe(3);
        usage.UsedBytes.ShouldBe(3 * "note 0\n".Length);
    }

    [Fact]
    public async Task Another_tenants_id_is_not_found_for_every_route()
    {
        var id = Id(await UploadMultipartAsync(_host, User, Pdf, "a.pdf", "application/pdf"));
        var stranger = $"u-2;other-{_tenant};admin";
        foreach (var (method, url) in new[] { (HttpMethod.Get, $"/api/v1/files/{id}"), (HttpMethod.Get, $"/api/v1/files/{id}/content"),
                     (HttpMethod.Post, $"/api/v1/files/{id}/link"), (HttpMethod.Delete, $"/api/v1/files/{id}") })
        {
            using var response = await _host.Client.SendAsync(StorageTestHost.Request(method, url, stranger));
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{method} {url}");
        }

        using var list = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, "/api/v1/files", stranger));
        using var body = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("items").GetArrayLength().ShouldBe(0);

        using var anonymous = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, $"/api/v1/files/{id}/content", null));
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_pdf_declared_as_png_is_415_naming_the_detected_type_and_stores_nothing()
    {
        using var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files", User, Multipart(Pdf, "fake.png", "image/png")));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType, text);
        using var body = JsonDocument.Parse(text);
        body.RootElement.GetProperty("detectedType").GetString().ShouldBe("application/pdf");
        text.ShouldContain("image/png");
        await ShouldHaveNothingStoredAsync(_tenant);
    }

    [Fact]
    public async Task An_empty_file_and_a_lying_length_are_400_and_store_nothing()
    {
        using (var empty = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=e.txt", User, Bytes([], "text/plain"))))
        {
            empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await empty.Content.ReadAsStringAsync());
            (await empty.Content.ReadAsStringAsync()).ShouldContain("empty");
        }

        using (var emptyPart = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files", User, Multipart([], "e.txt", "text/plain"))))
        {
            emptyPart.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await emptyPart.Content.ReadAsStringAsync());
        }

        // The part says 5,000 bytes and carries far fewer.
        var lying = Multipart(Pdf, "short.pdf", "application/pdf", declaredLength: 5_000);
        using (var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files", User, lying)))
        {
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
            text.ShouldContain("5000");
        }

        // And one that says fewer bytes than it carries.
        var longer = Multipart(Pdf, "long.pdf", "application/pdf", declaredLength: 20);
        using (var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files", User, longer)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        }

        await ShouldHaveNothingStoredAsync(_tenant);
    }

    [Fact]
    public async Task Over_the_file_limit_or_the_tenant_quota_is_413_and_leaves_no_blob_and_no_row()
    {
        await using var limited = await StorageTestHost.StartAsync(database, s3: s3, settings: new Dictionary<string, string?>
        {
            ["Foundation:Storage:MaxFileBytes"] = "1000",
            ["Foundation:Storage:TenantQuotaBytes"] = "1500",
        });

        // Declared too large: refused before a byte is stored.
        using (var declared = await limited.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=big.txt", User, Bytes(Text(1001), "text/plain"))))
        {
            var text = await declared.Content.ReadAsStringAsync();
            declared.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, text);
            JsonDocument.Parse(text).RootElement.GetProperty("limit").GetString().ShouldBe("MaxFileBytes");
        }

        // Undeclared (streamed without a length): refused mid-stream.
        using (var streamed = await limited.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=big.txt", User, Unsized(Text(5000), "text/plain"))))
        {
            streamed.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, await streamed.Content.ReadAsStringAsync());
        }

        await ShouldHaveNothingStoredAsync(_tenant, limited);

        // 900 fits; another 900 does not fit the 1,500-byte quota, neither declared nor streamed.
        await UploadMultipartAsync(limited, User, Text(900), "a.txt", "text/plain");
        var blobs = (await limited.BlobSizesAsync()).Count;
        using (var quota = await limited.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=b.txt", User, Unsized(Text(900), "text/plain"))))
        {
            var text = await quota.Content.ReadAsStringAsync();
            quota.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, text);
            JsonDocument.Parse(text).RootElement.GetProperty("limit").GetString().ShouldBe("TenantQuotaBytes");
        }

        using (var quota = await limited.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=b.txt", User, Bytes(Text(900), "text/plain"))))
        {
            quota.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        }

        (await limited.BlobSizesAsync()).Count.ShouldBe(blobs);
        await using var db = database.CreateContext();
        (await db.Files.CountAsync(f => f.TenantId == _tenant)).ShouldBe(1);
        (await db.Usage.SingleAsync(u => u.TenantId == _tenant)).UsedBytes.ShouldBe(900);
    }

    [Fact]
    public async Task A_100_MB_upload_streams_without_being_buffered()
    {
        const long size = 100_000_000;
        using var content = new StreamContent(new PatternStream(size));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        content.Headers.ContentLength = size;

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var upload = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files?name=big.txt", User, content));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var text = await upload.Content.ReadAsStringAsync();
        upload.StatusCode.ShouldBe(HttpStatusCode.Created, text);

        // Client, test server and package together allocated a small fraction of the file: nothing held it whole.
        allocated.ShouldBeLessThan(size / 5);
        using var body = JsonDocument.Parse(text);
        body.RootElement.GetProperty("size").GetInt64().ShouldBe(size);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        using (var pattern = new PatternStream(size))
        {
            int read;
            while ((read = pattern.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        body.RootElement.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(hash.GetHashAndReset()));
        (await _host.BlobSizesAsync()).ShouldHaveSingleItem().ShouldBe(size);
    }

    private async Task ShouldHaveNothingStoredAsync(string tenant, StorageTestHost? host = null)
    {
        (await (host ?? _host).BlobSizesAsync()).ShouldBeEmpty();
        await using var db = database.CreateContext();
        (await db.Files.CountAsync(f => f.TenantId == tenant)).ShouldBe(0);
        ((await db.Usage.Where(u => u.TenantId == tenant).Select(u => (long?)u.UsedBytes).SingleOrDefaultAsync()) ?? 0).ShouldBe(0);
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await _host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, url, User));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected static async Task<JsonElement> UploadMultipartAsync(StorageTestHost host, string caller, byte[] content, string name, string type)
    {
        using var response = await host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, "/api/v1/files", caller, Multipart(content, name, type)));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected static string Id(JsonElement file) => file.GetProperty("id").GetString()!;

    private static MultipartFormDataContent Multipart(byte[] content, string name, string type, long? declaredLength = null)
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        if (declaredLength is { } length)
        {
            part.Headers.TryAddWithoutValidation("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var form = new MultipartFormDataContent { { new StringContent("a note"), "description" } };
        form.Add(part, "file", name);
        return form;
    }

    private static ByteArrayContent Bytes(byte[] content, string type)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(type);
        return body;
    }

    private static StreamContent Unsized(byte[] content, string type)
    {
        var body = new StreamContent(new PatternStream(content));
        body.Headers.ContentType = new MediaTypeHeaderValue(type);
        return body;
    }

    private static byte[] Text(int length) => Encoding.ASCII.GetBytes(new string('x', length));

    private static byte[] RandomPng(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes);
        return bytes;
    }
}

/// <summary>A non-seekable stream of known bytes (so the client sends no Content-Length), or of a repeating text pattern of any size.</summary>
internal sealed class PatternStream : Stream
{
    private readonly byte[]? _content;
    private readonly long _length;
    private long _position;

    public PatternStream(long length) => _length = length;

    public PatternStream(byte[] content)
    {
        _content = content;
        _length = content.Length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = _content is not null ? _content[_position + i] : (byte)('a' + ((_position + i) % 26));
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The file system has no links of its own: the package signs links to its own endpoint with HMAC.</summary>
public abstract class FileSystemStorageHttpTests<TDatabase>(TDatabase database) : StorageHttpTests<TDatabase>(database)
    where TDatabase : StorageTestDatabase
{
    [Fact]
    public async Task A_signed_link_downloads_anonymously_and_a_tampered_or_expired_one_is_403()
    {
        var id = Id(await UploadMultipartAsync(Host, User, Pdf, "doc.pdf", "application/pdf"));
        using var linkResponse = await Host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, $"/api/v1/files/{id}/link", User,
            System.Net.Http.Json.JsonContent.Create(new { expiresInSeconds = 60 })));
        var linkText = await linkResponse.Content.ReadAsStringAsync();
        linkResponse.StatusCode.ShouldBe(HttpStatusCode.OK, linkText);
        var url = new Uri(JsonDocument.Parse(linkText).RootElement.GetProperty("url").GetString()!).PathAndQuery;

        using (var anonymous = await Host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, url, null)))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await anonymous.Content.ReadAsByteArrayAsync()).ShouldBe(Pdf);
        }

        var signature = url[(url.IndexOf("signature=", StringComparison.Ordinal) + "signature=".Length)..];
        var tampered = url.Replace("signature=" + signature, "signature=" + (signature[0] == 'A' ? 'B' : 'A') + signature[1..], StringComparison.Ordinal);
        var otherTenant = url.Replace("tenant=" + Tenant, "tenant=other-" + Tenant, StringComparison.Ordinal);
        var longer = System.Text.RegularExpressions.Regex.Replace(url, "expires=(\\d+)", m => "expires=" + (long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 3600));
        foreach (var forged in new[] { tampered, otherTenant, longer })
        {
            using var refused = await Host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, forged, null));
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, forged);
        }

        Host.Time.Advance(TimeSpan.FromSeconds(61));
        using var expired = await Host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Get, url, null));
        expired.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await expired.Content.ReadAsStringAsync()).ShouldContain("expired");
    }
}

/// <summary>
/// The same HTTP tests with the content in a real S3-compatible server (s3rver); links are the server's own presigned URLs. The metadata
/// database is SQLite only: both engines are covered with the file system, and the backend does not change what the database holds.
/// </summary>
[Collection(StorageHttpSequence.Name)]
public sealed class StorageHttpTestsOnSqliteWithS3(SqliteStorageDatabase database, S3rverServer s3)
    : StorageHttpTests<SqliteStorageDatabase>(database, s3), IClassFixture<S3rverServer>
{
    [Fact]
    public async Task A_link_is_a_presigned_url_that_downloads_anonymously_until_it_expires()
    {
        var id = Id(await UploadMultipartAsync(Host, User, Pdf, "doc.pdf", "application/pdf"));
        using var linkResponse = await Host.Client.SendAsync(StorageTestHost.Request(HttpMethod.Post, $"/api/v1/files/{id}/link", User,
            System.Net.Http.Json.JsonContent.Create(new { expiresInSeconds = 2 })));
        var linkText = await linkResponse.Content.ReadAsStringAsync();
        linkResponse.StatusCode.ShouldBe(HttpStatusCode.OK, linkText);
        using var link = JsonDocument.Parse(linkText);
        var url = new Uri(link.RootElement.GetProperty("url").GetString()!);
        var expiresAt = link.RootElement.GetProperty("expiresAt").GetDateTimeOffset();
        url.GetLeftPart(UriPartial.Authority).ShouldBe(Host.S3!.ServiceUrl);
        url.Query.ShouldContain("X-Amz-Signature=");

        using var http = new HttpClient();
        using (var anonymous = await http.GetAsync(url))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await anonymous.Content.ReadAsByteArrayAsync()).ShouldBe(Pdf);
            anonymous.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
            anonymous.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("doc.pdf");
        }

        // The server's clock decides: wait (bounded) until it is past the expiry, then the same URL is refused.
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

// One collection, so the two engines' classes never run at once: the 100 MB streaming test measures the process's
// allocations, and the other class's requests would count in them.
[Collection(StorageHttpSequence.Name)]
public sealed class StorageHttpTestsOnSqlite(SqliteStorageDatabase database) : FileSystemStorageHttpTests<SqliteStorageDatabase>(database);

[Collection(StorageHttpSequence.Name)]
public sealed class StorageHttpTestsOnPostgres(PostgresStorageDatabase database) : FileSystemStorageHttpTests<PostgresStorageDatabase>(database);

// DisableParallelization: the collection also runs alone, after the others (backups allocate hundreds of MB while they run).
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StorageHttpSequence
{
    public const string Name = "Storage HTTP";
}
