using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Storage;

/// <summary>Foundation.Storage through the full host: AddFoundation() registers it, MapFoundationEndpoints() maps /api/v1/files.</summary>
public sealed class StorageEndpointTests
{
    [Fact]
    public async Task A_signed_in_user_uploads_and_downloads_a_file_kept_under_the_data_directory_and_shares_it_by_a_signed_link()
    {
        using var host = new LlmTestHost();
        using var client = host.CreateClient();
        var token = await host.SignInAsync(client, "files@example.com");
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

        var upload = LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/files", token);
        var part = new ByteArrayContent(pdf);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        upload.Content = new MultipartFormDataContent { { part, "file", "invoice.pdf" } };
        string id;
        using (var created = await client.SendAsync(upload))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            var body = await created.ReadJsonAsync();
            id = body.Text("id");
            body.Text("contentType").ShouldBe("application/pdf");
            body.Text("sha256").ShouldBe(Convert.ToHexStringLower(SHA256.HashData(pdf)));
        }

        // The content sits under {DataDirectory}/files, the host's default root.
        var root = Path.Combine(host.Factory.Services.GetRequiredService<FoundationPaths>().DataDirectory, "files");
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f).Length).ShouldContain(pdf.Length);

        using (var download = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, $"/api/v1/files/{id}/content", token)))
        {
            download.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await download.Content.ReadAsByteArrayAsync()).ShouldBe(pdf);
        }

        // The link signing key is generated and kept protected by the host's secret protector.
        string url;
        using (var link = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/files/{id}/link", token, new { expiresInSeconds = 120 })))
        {
            link.StatusCode.ShouldBe(HttpStatusCode.OK, await link.Content.ReadAsStringAsync());
            url = new Uri((await link.ReadJsonAsync()).Text("url")).PathAndQuery;
        }

        using (var anonymous = await client.GetAsync(url))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await anonymous.Content.ReadAsByteArrayAsync()).ShouldBe(pdf);
        }

        using var unsigned = await client.GetAsync($"/api/v1/files/{id}/content");
        unsigned.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
