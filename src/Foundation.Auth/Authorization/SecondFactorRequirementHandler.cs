using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

/// <summary>Checks <see cref="SecondFactorRequirement"/> against the principal's <c>amr_2fa_at</c> and the injected clock.</summary>
public sealed class SecondFactorRequirementHandler : AuthorizationHandler<SecondFactorRequirement>
{
    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    public SecondFactorRequirementHandler(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SecondFactorRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);

        // The claim has whole seconds, so the clock is read to the second too: verified at 12:00:00.7, a 10-minute window
        // ends at 12:10:00.999 rather than a fraction of a second early. A time ahead of this clock (another instance's
        // skew) counts as just now. Not failed explicitly: another handler (another kind of factor) may still meet it.
        var now = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds());
        if (context.User.GetSecondFactorVerifiedAt() is { } verifiedAt && now - verifiedAt <= requirement.MaxAge)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
