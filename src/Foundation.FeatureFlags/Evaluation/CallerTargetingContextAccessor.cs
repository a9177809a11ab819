using Foundation.Callers;
using Microsoft.FeatureManagement.FeatureFilters;

namespace Foundation.FeatureFlags;

/// <summary>
/// Microsoft.FeatureManagement's targeting context from <see cref="ICurrentCaller"/>: the user id, and the groups of
/// <see cref="FeatureTargetingGroups.Of"/> (<c>org:{tenant}</c>, <c>team:{team}</c>, <c>role:{role}</c>). Registered by
/// <c>AddFoundationFeatureFlags</c> through <c>WithTargeting</c>; a host that knows more groups (several teams, say) derives from it
/// and overrides <see cref="GetGroups"/>.
/// </summary>
public class CallerTargetingContextAccessor : ITargetingContextAccessor
{
    private readonly ICurrentCaller _caller;

    /// <summary>Creates the accessor over <paramref name="caller"/>.</summary>
    public CallerTargetingContextAccessor(ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        _caller = caller;
    }

    /// <inheritdoc />
    public ValueTask<TargetingContext> GetContextAsync() =>
        ValueTask.FromResult(new TargetingContext { UserId = _caller.UserId, Groups = GetGroups(_caller) });

    /// <summary>The caller's targeting groups.</summary>
    protected virtual IEnumerable<string> GetGroups(ICurrentCaller caller) => FeatureTargetingGroups.Of(caller);
}
