using System.Security.Cryptography;
using Foundation.Auth.Passwords;

namespace Foundation.Auth.Accounts;

/// <summary>A password hash of the current format and cost that matches nothing, verified for unknown emails.</summary>
internal sealed class DummyHash
{
    private readonly Lazy<string> _value;

    /// <summary>Creates it with <paramref name="hasher"/>.</summary>
    public DummyHash(IPasswordHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        _value = new Lazy<string>(() => hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The hash.</summary>
    public string Value => _value.Value;
}
