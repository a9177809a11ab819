using System.Globalization;
using System.Text;

namespace Foundation.Hosting.Metrics.Internal;

/// <summary>
/// Maps OpenTelemetry instrument names, units and tags to Prometheus metric and label names, following the
/// OpenTelemetry "Prometheus and OpenMetrics compatibility" specification.
/// </summary>
internal static class PrometheusNaming
{
    private static readonly Dictionary<string, string> s_units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["bit"] = "bits",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
    };

    private static readonly string[] s_reservedSuffixes = ["_count", "_sum", "_bucket", "_total"];

    private static readonly Dictionary<string, string> s_perUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    /// <summary>
    /// The name of the metric family (the name on its <c># TYPE</c> line): the sanitised instrument name, the unit suffix,
    /// <c>_total</c> for counters, and <c>_current</c> for gauges that would otherwise end with a histogram or counter suffix.
    /// </summary>
    public static string FamilyName(string instrumentName, string? unit, PrometheusType type)
    {
        var name = SanitizeMetricName(instrumentName);
        var counter = type == PrometheusType.Counter;
        if (counter && name.EndsWith("_total", StringComparison.Ordinal) && name.Length > "_total".Length)
        {
            name = name[..^"_total".Length];
        }

        var suffix = UnitSuffix(unit, type == PrometheusType.Gauge);
        if (suffix is not null && !name.Equals(suffix, StringComparison.Ordinal) && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name = SanitizeMetricName(name + "_" + suffix);
        }

        if (counter)
        {
            return name + "_total";
        }

        // _count, _sum and _bucket belong to histogram series and _total to counters: a gauge named like that could collide
        // with their series (and promtool refuses it), so it gets a further suffix: dotnet.timer.count is dotnet_timer_count_current.
        if (type == PrometheusType.Gauge && Array.Exists(s_reservedSuffixes, suffix => name.EndsWith(suffix, StringComparison.Ordinal)))
        {
            return name + "_current";
        }

        return name;
    }

    /// <summary>
    /// The Prometheus suffix for a UCUM unit: <c>s</c> is <c>seconds</c>, <c>By/s</c> is <c>bytes_per_second</c>,
    /// <c>1</c> is <c>ratio</c> for gauges, annotations such as <c>{request}</c> are dropped.
    /// </summary>
    public static string? UnitSuffix(string? unit, bool isGauge)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return null;
        }

        var stripped = RemoveAnnotations(unit).Trim();
        if (stripped.Length == 0)
        {
            return null;
        }

        if (stripped.Equals("1", StringComparison.Ordinal))
        {
            return isGauge ? "ratio" : null;
        }

        var slash = stripped.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return MapUnit(stripped);
        }

        var numerator = stripped[..slash].Trim();
        var denominator = stripped[(slash + 1)..].Trim();
        var per = denominator.Length == 0
            ? null
            : s_perUnits.TryGetValue(denominator, out var perUnit) ? perUnit : MapUnit(denominator);
        var main = numerator.Length == 0 || numerator.Equals("1", StringComparison.Ordinal) ? null : MapUnit(numerator);
        return (main, per) switch
        {
            (null, null) => null,
            (null, _) => "per_" + per,
            (_, null) => main,
            _ => main + "_per_" + per,
        };
    }

    /// <summary>Replaces every character outside <c>[a-zA-Z0-9_]</c> with <c>_</c>, collapses runs of <c>_</c>, and prefixes a leading digit.</summary>
    public static string SanitizeMetricName(string name) => Sanitize(name);

    /// <summary>Sanitises a tag key into a label name (same rule as metric names; colons are not allowed either).</summary>
    public static string SanitizeLabelName(string name) => Sanitize(name);

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append(@"\n"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>Escapes <c># HELP</c> text: backslash and line feed (carriage returns are dropped).</summary>
    public static string EscapeHelp(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '\n', '\r') < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '\n' => builder.Append(@"\n"),
                '\r' => builder,
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>The text of a tag value: invariant culture, booleans in lower case, <see langword="null"/> empty.</summary>
    public static string FormatTagValue(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(format: null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string MapUnit(string unit) =>
        s_units.TryGetValue(unit, out var mapped) ? mapped : Sanitize(unit).Trim('_');

    private static string RemoveAnnotations(string unit)
    {
        if (unit.IndexOf('{', StringComparison.Ordinal) < 0)
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        var previousUnderscore = false;
        foreach (var original in name)
        {
            var c = char.IsAsciiLetterOrDigit(original) ? original : '_';
            if (c == '_' && previousUnderscore)
            {
                continue;
            }

            builder.Append(c);
            previousUnderscore = c == '_';
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
