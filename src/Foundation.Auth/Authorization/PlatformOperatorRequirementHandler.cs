using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Authorization;

/// <summary>Checks <see cref="PlatformOperatorRequirement"/> against the current <see cref="AuthOptions.PlatformOperators"/>.</summary>
public sealed class PlatformOperatorRequirementHandler : AuthorizationHandler<PlatformOperatorRequirement>
{
    private readonly IOptionsMonitor<AuthOptions> _options;

    /// <summary>Creates the handler.</summary>
    public PlatformOperatorRequirementHandler(IOptionsMonitor<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Whether <paramref name="userId"/> is one of <paramref name="operators"/> (GUIDs compared as GUIDs, anything else ordinally).</summary>
    public static bool IsListed(IEnumerable<string> operators, string? userId)
    {
        ArgumentNullException.ThrowIfNull(operators);
        if (string.IsNullOrWhiteSpace(userId))
        {
            return false;
        }

        var isGuid = Guid.TryParse(userId, out var userGuid);
        foreach (var listed in operators)
        {
            if (string.IsNullOrWhiteSpace(listed))
            {
                continue;
            }

            if (isGuid ? Guid.TryParse(listed, out var g) && g == userGuid : string.Equals(listed.Trim(), userId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformOperatorRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true
            && user.FindFirst(AuthClaims.ApiKeyId) is null
            && IsListed(_options.CurrentValue.PlatformOperators, user.FindFirst(AuthClaims.Subject)?.Value))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
