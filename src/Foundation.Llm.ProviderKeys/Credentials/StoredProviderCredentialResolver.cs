using System.Collections.Concurrent;
using Foundation.Callers;
using Foundation.Llm.Routing.Providers;
using Foundation.Llm.Routing.Storage;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing.Credentials;

/// <summary>
/// <see cref="IProviderCredentialResolver"/> over the provider-key store: the caller's own key first, then its tenant's
/// tenant-wide key. OpenAI keys serve <c>OpenAI</c> providers and Anthropic keys <c>Anthropic</c> providers (a key named
/// like the configured provider wins over the others, then the newest); HuggingFace and custom keys serve the
/// <c>OpenAICompatible</c> (custom also <c>AzureOpenAI</c>) provider whose configured name equals the key's name. Answers,
/// including "none", are cached per (tenant, user, provider) for <see cref="ProviderKeyOptions.CacheSeconds"/>; a change
/// through <see cref="ProviderKeyService"/> on this instance clears the cache. Keys never reach a log.
/// </summary>
public sealed partial class StoredProviderCredentialResolver : IProviderCredentialResolver
{
    private const int MaxCacheEntries = 10_000;

    private readonly IServiceScopeFactory _scopes;
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly IOptions<ProviderKeyOptions> _options;
    private readonly ILogger<StoredProviderCredentialResolver> _logger;
    private readonly ConcurrentDictionary<CacheKey, CacheEntry> _cache = new();

    /// <summary>Creates the resolver.</summary>
    public StoredProviderCredentialResolver(
        IServiceScopeFactory scopes,
        ISecretProtector protector,
        TimeProvider time,
        IOptions<ProviderKeyOptions> options,
        ILogger<StoredProviderCredentialResolver> logger)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _scopes = scopes;
        _protector = protector;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<ProviderCredential?> ResolveAsync(
        ICurrentCaller caller, string providerName, LlmProviderType providerType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(providerName);
        if (caller.UserId is not { Length: > 0 } userId)
        {
            return null;
        }

        var key = new CacheKey(caller.TenantId ?? string.Empty, userId, providerName, providerType);
        var now = _time.GetTimestamp();
        if (_cache.TryGetValue(key, out var cached) && now < cached.ExpiresAt)
        {
            return cached.Credential;
        }

        var credential = await LoadAsync(key, cancellationToken).ConfigureAwait(false);
        var seconds = _options.Value.CacheSeconds;
        if (seconds > 0)
        {
            if (_cache.Count >= MaxCacheEntries)
            {
                _cache.Clear();
            }

            _cache[key] = new CacheEntry(credential, now + (long)(seconds * (double)_time.TimestampFrequency));
        }

        return credential;
    }

    /// <summary>Forgets every cached answer (after a key was stored or deleted).</summary>
    public void Invalidate() => _cache.Clear();

    private async Task<ProviderCredential?> LoadAsync(CacheKey key, CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<LlmDbContext>();
            var rows = await db.ProviderKeys.AsNoTracking()
                .Where(k => k.TenantId == key.TenantId && (k.OwnerUserId == key.UserId || k.OwnerUserId == null))
                .ToListAsync(cancellationToken)
                .ConfigureAwait(false);

            var chosen = Choose(rows, key, userOwned: true) ?? Choose(rows, key, userOwned: false);
            if (chosen is null)
            {
                return null;
            }

            string apiKey;
            try
            {
                apiKey = _protector.Unprotect(ProviderKeyService.ProtectionPurpose, chosen.ProtectedKey);
            }
            catch (SecretProtectionException)
            {
                LogUndecryptable(_logger, chosen.Id);
                return null;
            }

            var now = _time.GetUtcNow();
            var id = chosen.Id;
            await db.ProviderKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken).ConfigureAwait(false);
            LogResolved(_logger, chosen.Id, key.ProviderName, chosen.OwnerUserId is null ? "tenant" : "user");
            return new ProviderCredential(chosen.Id, apiKey, chosen.BaseUrl is null ? null : new Uri(chosen.BaseUrl, UriKind.Absolute));
        }
    }

    private static ProviderKeyRecord? Choose(List<ProviderKeyRecord> rows, CacheKey key, bool userOwned)
    {
        ProviderKeyRecord? best = null;
        var bestNamed = false;
        foreach (var row in rows)
        {
            if ((row.OwnerUserId is not null) != userOwned || !Serves(row.Provider, key.ProviderType))
            {
                continue;
            }

            var named = string.Equals(row.Name, key.ProviderName, StringComparison.OrdinalIgnoreCase);
            if (!named && row.Provider is ProviderKeyType.HuggingFace or ProviderKeyType.Custom)
            {
                continue;
            }

            if (best is null || (named && !bestNamed) || (named == bestNamed && row.CreatedAt > best.CreatedAt))
            {
                best = row;
                bestNamed = named;
            }
        }

        return best;
    }

    private static bool Serves(ProviderKeyType key, LlmProviderType provider) => provider switch
    {
        LlmProviderType.OpenAI => key == ProviderKeyType.OpenAI,
        LlmProviderType.Anthropic => key == ProviderKeyType.Anthropic,
        LlmProviderType.OpenAICompatible => key is ProviderKeyType.HuggingFace or ProviderKeyType.Custom,
        LlmProviderType.AzureOpenAI => key == ProviderKeyType.Custom,
        _ => false,
    };

    [LoggerMessage(1, LogLevel.Debug, "Provider key {KeyId} ({Scope} scope) serves provider {Provider}")]
    private static partial void LogResolved(ILogger logger, Guid keyId, string provider, string scope);

    [LoggerMessage(2, LogLevel.Warning, "Provider key {KeyId} cannot be decrypted (the Data Protection key ring changed?); the configured key is used instead")]
    private static partial void LogUndecryptable(ILogger logger, Guid keyId);

    private readonly record struct CacheKey(string TenantId, string UserId, string ProviderName, LlmProviderType ProviderType)
    {
        public bool Equals(CacheKey other) =>
            ProviderType == other.ProviderType
            && string.Equals(TenantId, other.TenantId, StringComparison.Ordinal)
            && string.Equals(UserId, other.UserId, StringComparison.Ordinal)
            && string.Equals(ProviderName, other.ProviderName, StringComparison.OrdinalIgnoreCase);

        public override int GetHashCode() =>
            HashCode.Combine(TenantId, UserId, StringComparer.OrdinalIgnoreCase.GetHashCode(ProviderName), ProviderType);
    }

    private sealed record CacheEntry(ProviderCredential? Credential, long ExpiresAt);
}
