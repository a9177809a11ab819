namespace Foundation.Internal;

/// <summary>
/// RFC 4180 CSV with formula-injection protection, shared by every package that exports CSV (Costing, Audit).
/// Shared source, linked into each package: the rules are one piece, and no package references another for them.
/// </summary>
internal static class CsvText
{
    /// <summary>
    /// One field: quoted when it contains a comma, a quote, CR or LF (quotes doubled); text starting with <c>=</c>, <c>+</c>, <c>-</c>,
    /// <c>@</c>, tab or CR gets a leading apostrophe so a spreadsheet shows it instead of evaluating it. <see langword="null"/> is empty.
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Writes already escaped <paramref name="fields"/> as one record ending in CRLF.</summary>
    public static async Task WriteRowAsync(TextWriter writer, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                await writer.WriteAsync(',').ConfigureAwait(false);
            }

            await writer.WriteAsync(fields[i]).ConfigureAwait(false);
        }

        await writer.WriteAsync("\r\n").ConfigureAwait(false);
    }
}
