using System.Buffers;

namespace Foundation.Hosting.Correlation;

/// <summary>Validates and makes request ids.</summary>
public static class RequestIds
{
    /// <summary>The longest incoming id that is accepted.</summary>
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>Whether <paramref name="value"/> is 1 to 128 characters of <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= MaxLength && !value.ContainsAnyExcept(Allowed);

    /// <summary>A new id: 32 lower-case hex digits of a time-ordered (version 7) GUID.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");
}
