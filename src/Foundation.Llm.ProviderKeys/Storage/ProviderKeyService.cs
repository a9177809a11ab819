using System.Globalization;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Outbound;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing.Storage;

/// <summary>
/// Stores, lists, deletes and tests the provider keys users and tenants bring. Keys are encrypted with
/// <see cref="ISecretProtector"/> (purpose <see cref="ProtectionPurpose"/>) and never returned; a caller sees its own keys
/// and its tenant's tenant-wide keys, and only admins change tenant-wide keys. Every change and test is audited.
/// </summary>
public sealed class ProviderKeyService
{
    /// <summary>The <see cref="ISecretProtector"/> purpose of stored provider keys.</summary>
    public const string ProtectionPurpose = "Foundation.Llm.ProviderKeys";

    private readonly LlmDbContext _db;
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly ProviderKeyOptions _options;
    private readonly ProviderKeyTester _tester;
    private readonly IAuditEventWriter _audit;
    private readonly ICurrentCaller _caller;
    private readonly StoredProviderCredentialResolver? _resolver;
    private readonly OutboundAddressPolicy _policy;

    /// <summary>Creates the service.</summary>
    public ProviderKeyService(
        LlmDbContext db,
        ISecretProtector protector,
        TimeProvider time,
        IOptions<ProviderKeyOptions> options,
        ProviderKeyTester tester,
        IAuditEventWriter audit,
        ICurrentCaller caller,
        StoredProviderCredentialResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tester);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(caller);
        _db = db;
        _protector = protector;
        _time = time;
        _options = options.Value;
        _tester = tester;
        _audit = audit;
        _caller = caller;
        _resolver = resolver;
        _policy = _options.CreatePolicy();
    }

    /// <summary>Validates and stores a key.</summary>
    /// <exception cref="ProviderKeyValidationException">A field is invalid; <see cref="ProviderKeyValidationException.Field"/> names it.</exception>
    /// <exception cref="ProviderKeyForbiddenException">A tenant-wide key was asked for by a caller who is not an admin.</exception>
    public async Task<ProviderKeyInfo> CreateAsync(ProviderKeyOwner owner, CreateProviderKeyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(request);

        if (!ProviderKeyTypes.TryParse(request.Provider, out var provider))
        {
            throw new ProviderKeyValidationException(
                "provider",
                string.IsNullOrWhiteSpace(request.Provider)
                    ? "provider is required: openai, anthropic, huggingface or custom."
                    : $"provider '{Truncate(request.Provider, 40)}' is not known; use openai, anthropic, huggingface or custom.");
        }

        var scope = ParseScope(request.Scope);
        if (scope == ProviderKeyScope.Tenant && !owner.IsTenantAdmin)
        {
            throw new ProviderKeyForbiddenException();
        }

        var apiKey = ValidateKey(request.ApiKey);
        var name = string.IsNullOrWhiteSpace(request.Name) ? ProviderKeyTypes.ToStored(provider) : request.Name.Trim();
        if (name.Length > LlmColumnLengths.Name || name.Any(char.IsControl))
        {
            throw new ProviderKeyValidationException("name", $"name must be 1 to {LlmColumnLengths.Name} characters without control characters.");
        }

        var baseUrl = ProviderBaseUrls.Validate(request.BaseUrl, provider, _policy);
        var ownerUserId = scope == ProviderKeyScope.User ? owner.UserId : null;

        var count = await _db.ProviderKeys.CountAsync(k => k.TenantId == owner.TenantId && k.OwnerUserId == ownerUserId, cancellationToken).ConfigureAwait(false);
        if (count >= _options.MaxKeysPerOwner)
        {
            throw new ProviderKeyValidationException(
                "scope",
                string.Create(CultureInfo.InvariantCulture, $"At most {_options.MaxKeysPerOwner} keys may be stored per {(ownerUserId is null ? "tenant" : "user")}; delete one first."));
        }

        var now = _time.GetUtcNow();
        var record = new ProviderKeyRecord
        {
            Id = Guid.CreateVersion7(now),
            TenantId = owner.TenantId,
            OwnerUserId = ownerUserId,
            Provider = provider,
            Name = name,
            ProtectedKey = _protector.Protect(ProtectionPurpose, apiKey),
            BaseUrl = baseUrl?.AbsoluteUri,
            KeyHint = Hint(apiKey),
            CreatedAt = now,
            UpdatedAt = now,
        };
        _db.ProviderKeys.Add(record);
        await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _resolver?.Invalidate();

        await AuditAsync("llm.provider_key.created", AuditOutcome.Success, owner, record, null, cancellationToken).ConfigureAwait(false);
        return ProviderKeyInfo.From(record);
    }

    /// <summary>The caller's own keys and its tenant's tenant-wide keys, newest first.</summary>
    public async Task<IReadOnlyList<ProviderKeyInfo>> ListAsync(ProviderKeyOwner owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var rows = await Visible(owner).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        rows.Sort(static (a, b) => b.CreatedAt.CompareTo(a.CreatedAt));
        var list = new List<ProviderKeyInfo>(rows.Count);
        foreach (var row in rows)
        {
            list.Add(ProviderKeyInfo.From(row));
        }

        return list;
    }

    /// <summary>Deletes a key; <see langword="false"/> when the caller cannot see it (someone else's, another tenant's, or none).</summary>
    /// <exception cref="ProviderKeyForbiddenException">A tenant-wide key and the caller is not an admin.</exception>
    public async Task<bool> DeleteAsync(ProviderKeyOwner owner, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var record = await Visible(owner).AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return false;
        }

        if (record.OwnerUserId is null && !owner.IsTenantAdmin)
        {
            throw new ProviderKeyForbiddenException();
        }

        var deleted = await _db.ProviderKeys.Where(k => k.Id == id && k.TenantId == owner.TenantId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        _resolver?.Invalidate();
        if (deleted == 0)
        {
            return false;
        }

        await AuditAsync("llm.provider_key.deleted", AuditOutcome.Success, owner, record, null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Checks the key against its provider with a cheap authenticated read (the model list, or HuggingFace's whoami) and
    /// records the outcome; <see langword="null"/> when the caller cannot see the key.
    /// </summary>
    /// <exception cref="OutboundAddressRefusedException">
    /// The key's base URL is, or resolves to, an address the server does not connect to for a caller; the refusal is recorded
    /// (<c>lastTestOk</c> false) and audited like a failed check before it is thrown.
    /// </exception>
    public async Task<ProviderKeyTestResult?> TestAsync(ProviderKeyOwner owner, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var record = await Visible(owner).AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        ProviderKeyTestResult result;
        OutboundAddressRefusedException? refused = null;
        try
        {
            var key = _protector.Unprotect(ProtectionPurpose, record.ProtectedKey);
            var baseUrl = record.BaseUrl is null ? null : new Uri(record.BaseUrl, UriKind.Absolute);
            result = await _tester.TestAsync(record.Provider, key, baseUrl, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretProtectionException)
        {
            result = new ProviderKeyTestResult(false, null, 0, "The stored key can no longer be decrypted (the key ring changed); delete it and store it again.");
        }
        catch (OutboundAddressRefusedException ex)
        {
            refused = ex;
            result = new ProviderKeyTestResult(false, null, 0, ex.Message);
        }

        var message = Truncate(result.Message, LlmColumnLengths.TestMessage);
        var now = _time.GetUtcNow();
        await _db.ProviderKeys.Where(k => k.Id == id)
            .ExecuteUpdateAsync(
                s => s.SetProperty(k => k.LastTestedAt, now).SetProperty(k => k.LastTestOk, result.Ok).SetProperty(k => k.LastTestMessage, message),
                cancellationToken)
            .ConfigureAwait(false);

        await AuditAsync("llm.provider_key.tested", result.Ok ? AuditOutcome.Success : AuditOutcome.Failure, owner, record, result, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(refused);
        }

        return result;
    }

    /// <summary>What a key looks like for display: a short well-known prefix and the last four characters (<c>sk-...abcd</c>).</summary>
    internal static string Hint(string key)
    {
        if (key.Length < 12)
        {
            return "****";
        }

        var prefix = 0;
        for (var i = 0; i < Math.Min(8, key.Length - 8); i++)
        {
            if (key[i] is '-' or '_')
            {
                prefix = i + 1;
            }
        }

        return string.Concat(key.AsSpan(0, prefix), "...", key.AsSpan(key.Length - 4));
    }

    private IQueryable<ProviderKeyRecord> Visible(ProviderKeyOwner owner) =>
        _db.ProviderKeys.Where(k => k.TenantId == owner.TenantId && (k.OwnerUserId == owner.UserId || k.OwnerUserId == null));

    private static ProviderKeyScope ParseScope(string? scope)
    {
        if (string.IsNullOrWhiteSpace(scope) || string.Equals(scope.Trim(), "user", StringComparison.OrdinalIgnoreCase))
        {
            return ProviderKeyScope.User;
        }

        if (string.Equals(scope.Trim(), "tenant", StringComparison.OrdinalIgnoreCase))
        {
            return ProviderKeyScope.Tenant;
        }

        throw new ProviderKeyValidationException("scope", $"scope '{Truncate(scope, 40)}' is not known; use user or tenant.");
    }

    private static string ValidateKey(string? apiKey)
    {
        var key = apiKey?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            throw new ProviderKeyValidationException("apiKey", "apiKey is required: the provider's API key.");
        }

        if (key.Length > ProviderKeyOptions.MaxKeyLength)
        {
            throw new ProviderKeyValidationException(
                "apiKey",
                string.Create(CultureInfo.InvariantCulture, $"apiKey is {key.Length} characters; at most {ProviderKeyOptions.MaxKeyLength} are accepted."));
        }

        foreach (var c in key)
        {
            if (c is < '!' or > '~')
            {
                throw new ProviderKeyValidationException("apiKey", "apiKey may hold only printable ASCII characters without spaces (it is sent in an HTTP header).");
            }
        }

        return key;
    }

    private ValueTask AuditAsync(string action, AuditOutcome outcome, ProviderKeyOwner owner, ProviderKeyRecord record, ProviderKeyTestResult? test, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["provider"] = ProviderKeyTypes.ToStored(record.Provider),
            ["scope"] = record.OwnerUserId is null ? "tenant" : "user",
            ["name"] = record.Name,
        };
        if (test is not null)
        {
            data["status"] = test.Status?.ToString(CultureInfo.InvariantCulture);
            data["latencyMs"] = test.LatencyMs.ToString(CultureInfo.InvariantCulture);
        }

        return _audit.WriteAsync(
            new AuditEvent(action, outcome)
            {
                ActorUserId = owner.UserId,
                TenantId = owner.TenantId,
                TargetType = "provider_key",
                TargetId = record.Id.ToString(),
                RequestId = _caller.RequestId,
                Data = data,
            },
            cancellationToken);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
