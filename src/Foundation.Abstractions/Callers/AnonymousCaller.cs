namespace Foundation.Callers;

/// <summary>The default <see cref="ICurrentCaller"/>: nobody, in no tenant, outside any request.</summary>
public sealed class AnonymousCaller : ICurrentCaller
{
    /// <summary>The shared instance.</summary>
    public static AnonymousCaller Instance { get; } = new();

    private AnonymousCaller()
    {
    }

    /// <inheritdoc />
    public string? UserId => null;

    /// <inheritdoc />
    public string? TenantId => null;

    /// <inheritdoc />
    public IReadOnlyList<string> Roles => [];

    /// <inheritdoc />
    public string? RequestId => null;
}
