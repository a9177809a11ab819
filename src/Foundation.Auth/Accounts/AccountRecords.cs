using System.Security.Cryptography;
using Foundation.Auth.Storage;

namespace Foundation.Auth.Accounts;

/// <summary>Small rules every part of the account service shares: tenant names, security stamps, the public profile.</summary>
internal static class AccountRecords
{
    public static string NormalizeTenant(string? tenantId)
    {
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            return string.Empty;
        }

        var tenant = tenantId.Trim();
        if (tenant.Length > 64 || !tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new AuthValidationException("tenant", "The tenant must be at most 64 characters of letters, digits, '-', '_' and '.'.");
        }

        return tenant;
    }

    public static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public static UserProfile ToProfile(UserRecord user) =>
        new(user.Id, user.Email, user.TenantId, RoleList.Split(user.Roles), user.Status, user.CreatedAt, user.LastLoginAt);
}
