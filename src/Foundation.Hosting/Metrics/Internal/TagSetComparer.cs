namespace Foundation.Hosting.Metrics.Internal;

/// <summary>
/// Compares tag sets stored as arrays with tag sets arriving as spans, so a measurement finds its series
/// without allocating (a <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey,TValue}"/> alternate lookup).
/// Order-sensitive: the same tags in another order are a different key that maps to the same series.
/// </summary>
internal sealed class TagSetComparer :
    IEqualityComparer<KeyValuePair<string, object?>[]>,
    IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, KeyValuePair<string, object?>[]>
{
    public static readonly TagSetComparer Instance = new();

    private TagSetComparer()
    {
    }

    public bool Equals(KeyValuePair<string, object?>[]? x, KeyValuePair<string, object?>[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        return x is not null && y is not null && Equals(new ReadOnlySpan<KeyValuePair<string, object?>>(x), y);
    }

    public int GetHashCode(KeyValuePair<string, object?>[] obj) => GetHashCode(new ReadOnlySpan<KeyValuePair<string, object?>>(obj));

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, KeyValuePair<string, object?>[] other)
    {
        if (alternate.Length != other.Length)
        {
            return false;
        }

        for (var i = 0; i < alternate.Length; i++)
        {
            if (!string.Equals(alternate[i].Key, other[i].Key, StringComparison.Ordinal) || !Equals(alternate[i].Value, other[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
    {
        // Keys are hashed by length only: tag sets of one instrument almost always share their keys, so hashing their text
        // (most of the cost on the recording path) buys no spread; the values carry it, and Equals settles collisions.
        var hash = alternate.Length;
        foreach (var tag in alternate)
        {
            hash = unchecked(((hash * 31) + (tag.Key?.Length ?? 0)) * -1521134295) + (tag.Value?.GetHashCode() ?? 0);
        }

        return hash ^ (hash >>> 15);
    }

    public KeyValuePair<string, object?>[] Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => alternate.ToArray();
}
