using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Foundation.Auth.Authentication;
using Foundation.Auth.Tokens;

namespace Foundation.Auth.Storage;

/// <summary>Builds the principals of sessions and API keys with the Foundation claim types.</summary>
internal static class AuthPrincipals
{
    public static void AddRoles(List<Claim> claims, string roles)
    {
        foreach (var range in roles.AsSpan().Split(' '))
        {
            var role = roles.AsSpan()[range];
            if (!role.IsEmpty)
            {
                claims.Add(new Claim(AuthClaims.Role, role.ToString()));
            }
        }
    }

    public static ClaimsPrincipal Create(List<Claim> claims) =>
        new(new ClaimsIdentity(claims, FoundationAuthenticationDefaults.Scheme, AuthClaims.Subject, AuthClaims.Role));
}

/// <summary>Constant-time comparison of short strings (security stamps, hashes).</summary>
internal static class FixedTime
{
    public static bool StringEquals(string expected, string actual)
    {
        var a = Encoding.UTF8.GetBytes(expected);
        var b = Encoding.UTF8.GetBytes(actual);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
