using Foundation.Auth.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Storage;

/// <summary>
/// The <see cref="ISigningKeyStore"/> the (singleton) key ring sees when the keys live in the database: each call
/// runs an <see cref="EfSigningKeyStore"/> in its own scope, so the ring never holds a DbContext across threads.
/// </summary>
internal sealed class ScopedSigningKeyStore(IServiceScopeFactory scopes) : ISigningKeyStore
{
    public async ValueTask<IReadOnlyList<SigningKeyRecord>> GetValidKeysAsync(CancellationToken cancellationToken = default)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await scope.ServiceProvider.GetRequiredService<EfSigningKeyStore>().GetValidKeysAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask AddAndRetireAsync(SigningKeyRecord newKey, DateTimeOffset retiredAt, DateTimeOffset validUntil, CancellationToken cancellationToken = default)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            await scope.ServiceProvider.GetRequiredService<EfSigningKeyStore>()
                .AddAndRetireAsync(newKey, retiredAt, validUntil, cancellationToken).ConfigureAwait(false);
        }
    }
}
