using System.Globalization;
using Foundation.Storage.Content;
using Microsoft.Extensions.Options;

namespace Foundation.Storage;

/// <summary>Fails the host's start with a message naming the <c>Foundation:Storage</c> key that is wrong.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string P = StorageOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Provider == StorageProvider.FileSystem && string.IsNullOrWhiteSpace(options.RootPath))
        {
            errors.Add($"{P}RootPath is empty; give the folder the file-system backend keeps files in (Foundation.Hosting defaults it to {{DataDirectory}}/files), or set {P}Provider to S3.");
        }

        if (options.Provider == StorageProvider.S3)
        {
            if (string.IsNullOrWhiteSpace(options.S3.Bucket))
            {
                errors.Add($"{P}S3:Bucket is empty; name the bucket files are kept in.");
            }

            if (options.S3.ServiceUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                errors.Add($"{P}S3:ServiceUrl is '{url}', which is not an absolute URL (for example http://127.0.0.1:4568).");
            }

            if (string.IsNullOrEmpty(options.S3.AccessKeyId) != string.IsNullOrEmpty(options.S3.SecretAccessKey))
            {
                errors.Add($"{P}S3:AccessKeyId and {P}S3:SecretAccessKey go together: set both, or neither to use the SDK's credential chain.");
            }

            if (options.S3.PartSizeMiB is < 5 or > 512)
            {
                errors.Add(Fmt($"{P}S3:PartSizeMiB is {options.S3.PartSizeMiB}; use 5 to 512."));
            }
        }

        Positive(errors, "MaxFileBytes", options.MaxFileBytes);
        NotNegative(errors, "TenantQuotaBytes", options.TenantQuotaBytes);
        Types(errors, "AllowedTypes", options.AllowedTypes);
        foreach (var (tenant, t) in options.Tenants)
        {
            if (t.MaxFileBytes is { } max)
            {
                Positive(errors, $"Tenants:{tenant}:MaxFileBytes", max);
            }

            if (t.QuotaBytes is { } quota)
            {
                NotNegative(errors, $"Tenants:{tenant}:QuotaBytes", quota);
            }

            if (t.AllowedTypes is { } types)
            {
                Types(errors, $"Tenants:{tenant}:AllowedTypes", types);
            }
        }

        if (options.Links.MaxLifetimeSeconds is < 1 or > 604_800)
        {
            errors.Add(Fmt($"{P}Links:MaxLifetimeSeconds is {options.Links.MaxLifetimeSeconds}; use 1 to 604800 (7 days, the S3 maximum)."));
        }

        if (options.Links.DefaultLifetimeSeconds < 1 || options.Links.DefaultLifetimeSeconds > options.Links.MaxLifetimeSeconds)
        {
            errors.Add(Fmt($"{P}Links:DefaultLifetimeSeconds is {options.Links.DefaultLifetimeSeconds}; use 1 to {P}Links:MaxLifetimeSeconds ({options.Links.MaxLifetimeSeconds})."));
        }

        if (options.Links.SigningKey is { Length: > 0 } key && (!TryDecode(key, out var bytes) || bytes.Length < 32))
        {
            errors.Add($"{P}Links:SigningKey must be base64 of at least 32 random bytes (for example: openssl rand -base64 32).");
        }

        if (options.Links.PublicBaseUrl is { Length: > 0 } baseUrl
            && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (!string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal) && !string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal))))
        {
            errors.Add($"{P}Links:PublicBaseUrl is '{baseUrl}'; give an absolute http or https address.");
        }

        ValidateImages(errors, options.Images);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateImages(List<string> errors, Images.StorageImageOptions images)
    {
        if (images.MaxWidth is < 1 or > 32_768)
        {
            errors.Add(Fmt($"{P}Images:MaxWidth is {images.MaxWidth}; use 1 to 32768 pixels."));
        }

        if (images.MaxHeight is < 1 or > 32_768)
        {
            errors.Add(Fmt($"{P}Images:MaxHeight is {images.MaxHeight}; use 1 to 32768 pixels."));
        }

        if (images.MaxPixels is < 1 or > 500_000_000)
        {
            errors.Add(Fmt($"{P}Images:MaxPixels is {images.MaxPixels}; use 1 to 500000000 (each pixel takes 4 bytes while it is decoded)."));
        }

        if (images.MaxInputBytes is < 1 or > int.MaxValue)
        {
            errors.Add(Fmt($"{P}Images:MaxInputBytes is {images.MaxInputBytes}; use 1 to {int.MaxValue} bytes (the image is held in memory to be decoded)."));
        }

        if (images.Quality is < 1 or > 100)
        {
            errors.Add(Fmt($"{P}Images:Quality is {images.Quality}; use 1 to 100."));
        }

        if (images.MaxConcurrentDecodes is < 1 or > 64)
        {
            errors.Add(Fmt($"{P}Images:MaxConcurrentDecodes is {images.MaxConcurrentDecodes}; use 1 to 64."));
        }

        for (var i = 0; i < images.ThumbnailSizes.Count; i++)
        {
            if (images.ThumbnailSizes[i] is < 1 or > 4096)
            {
                errors.Add(Fmt($"{P}Images:ThumbnailSizes:{i} is {images.ThumbnailSizes[i]}; use 1 to 4096 pixels."));
            }
        }
    }

    private static void Types(List<string> errors, string key, List<string> types)
    {
        for (var i = 0; i < types.Count; i++)
        {
            if (!ContentTypes.All.Contains(types[i], StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(Fmt($"{P}{key}:{i} is '{types[i]}', which the content detector does not recognise; known types: {string.Join(", ", ContentTypes.All)}."));
            }
        }
    }

    private static void Positive(List<string> errors, string key, long value)
    {
        if (value < 1)
        {
            errors.Add(Fmt($"{P}{key} is {value}; give a number of bytes greater than 0."));
        }
    }

    private static void NotNegative(List<string> errors, string key, long value)
    {
        if (value < 0)
        {
            errors.Add(Fmt($"{P}{key} is {value}; give a number of bytes (0 means no quota)."));
        }
    }

    private static string Fmt(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    internal static bool TryDecode(string? value, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        try
        {
            bytes = Convert.FromBase64String(value.Trim());
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
