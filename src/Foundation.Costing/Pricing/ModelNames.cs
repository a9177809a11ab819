using System.Globalization;

namespace Foundation.Costing.Pricing;

/// <summary>
/// Normalises provider names and model ids for price look-ups. A model id is first looked up exactly (lower-case); when no entry
/// matches, dated snapshot suffixes are removed one at a time and the base id is tried:
/// <c>-2024-07-18</c> (OpenAI), <c>-20241022</c> (Anthropic), <c>-latest</c>, <c>-2411</c> (Mistral's YYMM), <c>-002</c> (Gemini versions),
/// a <c>models/</c> prefix (Gemini) and a <c>@20241022</c> suffix (Vertex AI). Preview ids are never mapped to a released model: they are
/// often priced differently, and an unpriced record is better than a wrong one.
/// </summary>
public static class ModelNames
{
    /// <summary>The candidate ids to look up, most specific first (the exact id first).</summary>
    public static IEnumerable<string> Candidates(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var current = model.Trim().ToLowerInvariant();
        yield return current;
        if (current.StartsWith("models/", StringComparison.Ordinal))
        {
            current = current["models/".Length..];
            yield return current;
        }

        var at = current.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            current = current[..at];
            yield return current;
        }

        while (TryStripSuffix(current, out var stripped))
        {
            current = stripped;
            yield return current;
        }
    }

    /// <summary>Lower-cases and trims a provider name.</summary>
    public static string NormalizeProvider(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.Trim().ToLowerInvariant();
    }

    /// <summary>Lower-cases and trims a model id.</summary>
    public static string NormalizeModel(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Trim().ToLowerInvariant();
    }

    private static bool TryStripSuffix(string model, out string stripped)
    {
        stripped = model;
        var dash = model.LastIndexOf('-');
        if (dash <= 0)
        {
            return false;
        }

        var tail = model.AsSpan(dash + 1);
        if (tail.SequenceEqual("latest"))
        {
            stripped = model[..dash];
            return true;
        }

        // -20241022 (Anthropic), -2411 (Mistral YYMM), -002 (Gemini version)
        if ((tail.Length is 8 or 4 or 3) && AllDigits(tail))
        {
            stripped = model[..dash];
            return true;
        }

        // -2024-07-18 (OpenAI): "-YYYY-MM-DD" at the end.
        if (model.Length > 11 && model[^11] == '-' && model[^6] == '-' && model[^3] == '-'
            && DateOnly.TryParseExact(model.AsSpan(model.Length - 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            stripped = model[..^11];
            return true;
        }

        return false;
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return s.Length > 0;
    }
}
