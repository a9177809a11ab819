using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Storage;

/// <summary>Keeps the token-signing keys in <c>auth_signing_keys</c>.</summary>
public sealed class EfSigningKeyStore : ISigningKeyStore
{
    private readonly AuthDbContext _db;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store.</summary>
    public EfSigningKeyStore(AuthDbContext db, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _db = db;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SigningKeyRecord>> GetValidKeysAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var keys = await _db.SigningKeys.AsNoTracking()
            .Where(k => k.ValidUntil == null || k.ValidUntil > now)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        // The current (unretired) key first, then the newest retired ones.
        keys.Sort(static (a, b) =>
        {
            var byRetired = (a.RetiredAt is null ? 0 : 1).CompareTo(b.RetiredAt is null ? 0 : 1);
            return byRetired != 0 ? byRetired : b.CreatedAt.CompareTo(a.CreatedAt);
        });
        return keys;
    }

    /// <inheritdoc />
    /// <remarks>One transaction: either the new key is stored and every current key retired, or nothing changes.</remarks>
    public async ValueTask AddAndRetireAsync(SigningKeyRecord newKey, DateTimeOffset retiredAt, DateTimeOffset validUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        var strategy = _db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await _db.SigningKeys
                    .Where(k => k.RetiredAt == null && k.KeyId != newKey.KeyId)
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, retiredAt).SetProperty(k => k.ValidUntil, validUntil), ct)
                    .ConfigureAwait(false);
                _db.SigningKeys.Add(newKey);
                try
                {
                    await _db.SaveChangesAsync(ct).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    _db.Entry(newKey).State = EntityState.Detached;
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
