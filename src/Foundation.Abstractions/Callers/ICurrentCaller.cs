namespace Foundation.Callers;

/// <summary>
/// Who is making the current request: the authenticated user, the tenant it acts in, its roles
/// and the request id used to correlate logs, traces and audit events.
/// </summary>
/// <remarks>
/// Foundation.Hosting implements this from the current <c>HttpContext</c>. Code outside a request
/// (background jobs) sees <see cref="AnonymousCaller.Instance"/> unless the host registers its own.
/// </remarks>
public interface ICurrentCaller
{
    /// <summary>The authenticated user's id, or <see langword="null"/> for an anonymous caller.</summary>
    string? UserId { get; }

    /// <summary>The tenant the caller acts in, or <see langword="null"/> when none applies.</summary>
    string? TenantId { get; }

    /// <summary>The caller's roles; empty for an anonymous caller.</summary>
    IReadOnlyList<string> Roles { get; }

    /// <summary>The correlation id of the current request, or <see langword="null"/> outside a request.</summary>
    string? RequestId { get; }

    /// <summary>
    /// The id of the API key the caller authenticated with (not the secret), or <see langword="null"/> when it used
    /// none. Defaults to <see langword="null"/> so existing implementations keep compiling.
    /// </summary>
    string? ApiKeyId => null;

    /// <summary>The team the caller acts for inside its tenant, or <see langword="null"/>. Defaults to <see langword="null"/>.</summary>
    string? TeamId => null;

    /// <summary>Whether <see cref="UserId"/> identifies an authenticated user.</summary>
    bool IsAuthenticated => UserId is not null;

    /// <summary>Whether the caller holds <paramref name="role"/> (ordinal, case-insensitive).</summary>
    bool IsInRole(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        foreach (var r in Roles)
        {
            if (string.Equals(r, role, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
