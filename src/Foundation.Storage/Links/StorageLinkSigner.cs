using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Foundation.Security;
using Foundation.Storage.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Storage.Links;

/// <summary>
/// Signs and checks the file-system backend's download links with HMAC-SHA256 (the BCL's <see cref="HMACSHA256"/>) over the tenant, the file
/// id and the expiry, so none of them can be changed without the key. The key is <c>Foundation:Storage:Links:SigningKey</c>, or one the package
/// generates once and keeps in <c>storage_settings</c>, protected by the registered <see cref="ISecretProtector"/>.
/// </summary>
internal sealed class StorageLinkSigner : IDisposable
{
    internal const string SettingName = "link-signing-key";
    private const string Purpose = "Foundation.Storage.LinkSigningKey";

    private readonly IOptions<StorageOptions> _options;
    private readonly IServiceScopeFactory _scopes;
    private readonly ISecretProtector? _protector;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public StorageLinkSigner(IOptions<StorageOptions> options, IServiceScopeFactory scopes, IServiceProvider services)
    {
        _options = options;
        _scopes = scopes;
        _protector = services.GetService<ISecretProtector>();
    }

    public async Task<string> SignAsync(string tenantId, string fileId, long expiresUnixSeconds, CancellationToken cancellationToken)
    {
        var key = await GetKeyAsync(cancellationToken).ConfigureAwait(false);
        return WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, Message(tenantId, fileId, expiresUnixSeconds)));
    }

    public async Task<bool> VerifyAsync(string tenantId, string fileId, long expiresUnixSeconds, string signature, CancellationToken cancellationToken)
    {
        byte[] given;
        try
        {
            given = WebEncoders.Base64UrlDecode(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        var key = await GetKeyAsync(cancellationToken).ConfigureAwait(false);
        var expected = HMACSHA256.HashData(key, Message(tenantId, fileId, expiresUnixSeconds));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public void Dispose() => _gate.Dispose();

    private static byte[] Message(string tenantId, string fileId, long expires) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"foundation-storage-link/v1\n{tenantId.Length}:{tenantId}\n{fileId}\n{expires}"));

    private async Task<byte[]> GetKeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        if (_options.Value.Links.SigningKey is { Length: > 0 } configured)
        {
            return _key = Convert.FromBase64String(configured.Trim());
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _key ??= await LoadOrCreateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var protector = _protector ?? throw new StorageConfigurationException(
            $"{StorageOptions.SectionName}:Links:SigningKey is empty and no ISecretProtector is registered: set it to base64 of 32 random bytes (openssl rand -base64 32), or register an ISecretProtector (Foundation.Hosting does) so a key can be generated and kept protected.");
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<StorageDbContext>();

            // Several instances may start at once: the first insert wins, every instance then reads the one stored key.
            var candidate = protector.Protect(Purpose, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO storage_settings (name, value) VALUES ({SettingName}, {candidate}) ON CONFLICT (name) DO NOTHING", cancellationToken).ConfigureAwait(false);
            var stored = await db.Settings.AsNoTracking().Where(s => s.Name == SettingName).Select(s => s.Value).SingleAsync(cancellationToken).ConfigureAwait(false);
            return Convert.FromBase64String(protector.Unprotect(Purpose, stored));
        }
    }
}
