using System.Globalization;
using Foundation.Callers;
using Foundation.Storage;
using Foundation.Storage.Diagnostics;
using Foundation.Storage.Files;
using Foundation.Storage.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.Storage's HTTP API.</summary>
public static class StorageEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default <c>/api/v1/files</c>), always over the caller's own tenant (<see cref="ICurrentCaller.TenantId"/>):
    /// <c>POST /</c> (multipart/form-data with one file part, or the raw body; <c>?name=</c> names a raw upload), <c>GET /</c> (limit, pageToken),
    /// <c>GET /{id}</c>, <c>GET /{id}/content</c>, <c>GET /{id}/thumbnail?size=</c> (an image's thumbnail) (also with a signed link's <c>tenant</c>, <c>expires</c> and <c>signature</c>, without
    /// authentication), <c>POST /{id}/link</c> (<c>{"expiresInSeconds": n}</c>, optional) and <c>DELETE /{id}</c>. Every endpoint but a signed
    /// download requires <see cref="StorageOptions.Policy"/> (default: an authenticated caller). Refusals are problems naming what is wrong
    /// (400, 403, 404, 413, 415). Returns the group, so the host can add policies (rate limits, more authorization).
    /// </summary>
    public static RouteGroupBuilder MapFoundationStorageApi(this IEndpointRouteBuilder endpoints, string prefix = "/api/v1/files")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix)
            .WithTags("Storage")
            .AddEndpointFilter<StorageProblemFilter>();

        // The policy is read when the endpoints are built, not now: options (and their validation) stay a start-up matter.
        ((IEndpointConventionBuilder)group).Add(b =>
        {
            if (b.Metadata.OfType<IAllowAnonymous>().Any())
            {
                return;
            }

            var policy = b.ApplicationServices.GetRequiredService<IOptions<StorageOptions>>().Value.Policy;
            b.Metadata.Add(string.IsNullOrWhiteSpace(policy) ? new AuthorizeAttribute() : new AuthorizeAttribute(policy));
        });

        group.MapPost("/", UploadAsync)
            .WithName("FoundationStorageUpload")
            .WithSummary("Stores a file (multipart/form-data with one file part, or the raw body with ?name=). The type is detected from the content; SHA-256 is computed while streaming.")
            // Any content type: a raw upload's body may be of any type (the type is detected from the bytes). Accepts metadata naming only
            // multipart/form-data would make routing answer 415 to every raw upload before the handler runs.
            .Accepts<IFormFile>("multipart/form-data", "*/*")
            .Produces<StoredFile>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/", async (ICurrentCaller caller, FileStorageService files, string? limit, string? pageToken, CancellationToken ct) =>
            Results.Ok(await files.ListAsync(Tenant(caller), ParseLimit(limit), pageToken, ct).ConfigureAwait(false)))
            .WithName("FoundationStorageList")
            .WithSummary("The tenant's files, newest first: limit (1-200, default 50), pageToken from the previous page.")
            .Produces<StoredFilePage>()
            .ProducesValidationProblem();

        group.MapGet("/{id}", async (string id, ICurrentCaller caller, FileStorageService files, CancellationToken ct) =>
            Results.Ok(await files.GetAsync(Tenant(caller), ParseId(id), ct).ConfigureAwait(false)))
            .WithName("FoundationStorageGet")
            .WithSummary("A file's metadata.")
            .Produces<StoredFile>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/content", DownloadAsync)
            .AllowAnonymous()
            .WithName("FoundationStorageContent")
            .WithSummary("A file's content: for an authorized caller of the tenant, or for anyone with a valid, unexpired signed link (tenant, expires, signature).")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/thumbnail", async (string id, string? size, HttpContext http, ICurrentCaller caller, FileStorageService files, CancellationToken ct) =>
        {
            var fileId = ParseId(id);
            var pixels = size is null
                ? throw new StorageValidationException("size", "size is missing; give the thumbnail's longest side in pixels, one of Foundation:Storage:Images:ThumbnailSizes (default 64, 128, 256, 512).")
                : int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
                : throw new StorageValidationException("size", $"size is '{size}'; give a whole number of pixels, one of Foundation:Storage:Images:ThumbnailSizes.");
            var thumbnail = await files.GetThumbnailAsync(Tenant(caller), fileId, pixels, ct).ConfigureAwait(false);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
            http.Response.Headers.CacheControl = "private, max-age=3600";
            return Results.Bytes(thumbnail.Content, thumbnail.ContentType,
                entityTag: new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{thumbnail.File.Sha256}-{pixels}\"")));
        })
            .WithName("FoundationStorageThumbnail")
            .WithSummary("A thumbnail of an image file made on request: size (the longest side, one of Foundation:Storage:Images:ThumbnailSizes), EXIF orientation applied, metadata dropped.")
            .Produces(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapPost("/{id}/link", async (string id, [FromBody] LinkRequest? body, HttpRequest request, ICurrentCaller caller, FileStorageService files,
            IOptions<StorageOptions> options, CancellationToken ct) =>
        {
            var fileId = ParseId(id);
            var path = request.Path.Value!;
            var contentPath = string.Concat(path.AsSpan(0, path.Length - "/link".Length), "/content");
            var baseUrl = options.Value.Links.PublicBaseUrl is { Length: > 0 } configured
                ? configured.TrimEnd('/')
                : string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent());
            var lifetime = body?.ExpiresInSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            return Results.Ok(await files.CreateLinkAsync(Tenant(caller), fileId, new Uri(baseUrl + contentPath), lifetime, caller.UserId, ct).ConfigureAwait(false));
        })
            .WithName("FoundationStorageLink")
            .WithSummary("A signed, expiring download link ({expiresInSeconds}, optional): an S3 presigned URL, or a link to this API's content endpoint signed with HMAC-SHA256.")
            .Produces<StorageLink>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", async (string id, ICurrentCaller caller, FileStorageService files, CancellationToken ct) =>
        {
            await files.DeleteAsync(Tenant(caller), ParseId(id), caller.UserId, ct).ConfigureAwait(false);
            return Results.NoContent();
        })
            .WithName("FoundationStorageDelete")
            .WithSummary("Deletes a file (its metadata, its share of the quota and its content).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<IResult> UploadAsync(HttpContext http, ICurrentCaller caller, FileStorageService files, IOptions<StorageOptions> options, CancellationToken ct)
    {
        var tenant = Tenant(caller);
        var request = http.Request;

        // The server's default body limit (30 MB in Kestrel) would refuse before the package's own limits could name the problem.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = options.Value.EffectiveMaxFileBytes(tenant) + (1024 * 1024);
        }

        StoredFile stored;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            && mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
            if (string.IsNullOrWhiteSpace(boundary))
            {
                throw new StorageValidationException("file", "The multipart/form-data body has no boundary parameter in its Content-Type.");
            }

            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            MultipartSection? section;
            while (true)
            {
                section = await ReadSectionAsync(reader, ct).ConfigureAwait(false);
                if (section is null)
                {
                    throw new StorageValidationException("file", "The multipart/form-data body has no file part (a part with Content-Disposition: form-data; name=\"file\"; filename=\"...\").");
                }

                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
                {
                    var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    var declaredLength = long.TryParse(section.Headers?.TryGetValue(HeaderNames.ContentLength, out var length) == true ? length.ToString() : null,
                        NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
                    stored = await files.UploadAsync(tenant, new FileUpload(section.Body)
                    {
                        FileName = name,
                        DeclaredContentType = section.ContentType,
                        DeclaredLength = declaredLength,
                    }, caller.UserId, ct).ConfigureAwait(false);
                    break;
                }

                // Skip a non-file field, reading it through so the next part can be found.
                await section.Body.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            }
        }
        else
        {
            stored = await files.UploadAsync(tenant, new FileUpload(request.Body)
            {
                FileName = request.Query["name"].ToString(),
                DeclaredContentType = request.ContentType,
                DeclaredLength = request.ContentLength,
            }, caller.UserId, ct).ConfigureAwait(false);
        }

        return Results.Created(string.Concat(request.PathBase.ToUriComponent(), request.Path.Value!.TrimEnd('/'), "/", stored.Id.ToString()), stored);
    }

    private static async Task<MultipartSection?> ReadSectionAsync(MultipartReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadNextSectionAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or BadHttpRequestException && !ct.IsCancellationRequested)
        {
            throw new StorageValidationException("file", "The multipart/form-data body is malformed or truncated: " + ex.Message, ex);
        }
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext http, ICurrentCaller caller, FileStorageService files, StorageTelemetry telemetry,
        IOptions<StorageOptions> options, CancellationToken ct)
    {
        var fileId = ParseId(id);
        var query = http.Request.Query;
        (StoredFile File, Stream Content) opened;
        if (query.ContainsKey("signature"))
        {
            var expiresText = query["expires"].ToString();
            if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            {
                throw new StorageLinkRefusedException("The link has no valid expires parameter; use the link exactly as it was issued.");
            }

            opened = await files.OpenSignedAsync(query["tenant"].ToString(), fileId, expires, query["signature"].ToString(), ct).ConfigureAwait(false);
            telemetry.Downloaded.Add(1, new KeyValuePair<string, object?>("via", "link"));
        }
        else
        {
            // This endpoint admits anonymous requests (for signed links); without a signature it requires what the rest of the API requires.
            var denied = await AuthorizeAsync(http, options.Value.Policy).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            opened = await files.OpenReadAsync(Tenant(caller), fileId, ct).ConfigureAwait(false);
            telemetry.Downloaded.Add(1, new KeyValuePair<string, object?>("via", "api"));
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.ContentLength = opened.File.Size;
        return Results.Stream(opened.Content, opened.File.ContentType, opened.File.Name,
            entityTag: new EntityTagHeaderValue("\"" + opened.File.Sha256 + "\""));
    }

    private static async Task<IResult?> AuthorizeAsync(HttpContext http, string? policyName)
    {
        var services = http.RequestServices;
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = string.IsNullOrWhiteSpace(policyName)
            ? await provider.GetDefaultPolicyAsync().ConfigureAwait(false)
            : await provider.GetPolicyAsync(policyName).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The authorization policy '{policyName}' ({StorageOptions.SectionName}:Policy) is not registered.");
        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, http).ConfigureAwait(false);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, http, resource: null).ConfigureAwait(false);
        return authorization.Succeeded ? null
            : authorization.Challenged ? Results.Challenge(authenticationSchemes: [.. policy.AuthenticationSchemes])
            : Results.Forbid(authenticationSchemes: [.. policy.AuthenticationSchemes]);
    }

    private static string Tenant(ICurrentCaller caller) => caller.TenantId ?? string.Empty;

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var guid) ? guid : throw new StorageValidationException("id", $"'{id}' is not a file id (a GUID such as 0193a1b2-...).");

    private static int ParseLimit(string? limit) =>
        limit is null ? 50
        : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new StorageValidationException("limit", $"limit is '{limit}'; give a whole number from 1 to {FileStorageService.MaxPageSize}.");
}
