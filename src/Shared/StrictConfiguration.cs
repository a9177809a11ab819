// Shared source: linked into every Foundation package that binds options from configuration
// (<Compile Include="..\Shared\StrictConfiguration.cs" Link="Shared\StrictConfiguration.cs" />), so each package checks
// its own section without a dependency on another. Internal in each assembly.
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Configuration;

/// <summary>
/// Checks a configuration section against the options type it is bound to, before it is bound, so that a value the
/// configuration binder would drop or misread fails the host's start instead: a key no property reads (a typo), an enum
/// value that is not one of its names, a value that does not convert to its property's type (a number, a time span, a
/// URL, true/false), a list given as one value. Each failure names the full key and what would be valid.
/// </summary>
/// <remarks>
/// The check walks the options TYPE by reflection, so a property added to an options class is a known key at once.
/// Dictionaries and lists are walked per entry. A child section bound by another options class (for example
/// <c>Foundation:Auth:Totp</c> under <c>Foundation:Auth</c>) is named in <c>ownedElsewhere</c> and left to that class.
/// The configuration binder itself drops a dictionary entry whose value fails to convert without a word, which is why
/// this runs first, as a configure step registered before the binding one, and throws <see cref="OptionsValidationException"/>.
/// </remarks>
internal static class StrictConfiguration
{
    private const int MaxShownValueLength = 64;

    /// <summary>
    /// Binds <paramref name="section"/> to the options, after checking it: a configuration that does not fit the options
    /// type throws <see cref="OptionsValidationException"/> when the options are first built (at start, with ValidateOnStart).
    /// </summary>
    /// <param name="builder">The options builder.</param>
    /// <param name="section">The section the options are bound from.</param>
    /// <param name="ownedElsewhere">Child keys of <paramref name="section"/> that another options class binds and checks.</param>
    public static OptionsBuilder<TOptions> BindStrictly<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section, params string[] ownedElsewhere)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var name = builder.Name;
        builder.Configure(_ => ThrowIfInvalid(typeof(TOptions), name, section, ownedElsewhere));
        return builder.Bind(section);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every failure of <see cref="Check"/>.</summary>
    public static void ThrowIfInvalid(Type optionsType, string? optionsName, IConfigurationSection section, IReadOnlyCollection<string> ownedElsewhere)
    {
        var failures = Check(optionsType, section, ownedElsewhere);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(optionsName ?? Options.DefaultName, optionsType, failures);
        }
    }

    /// <summary>Every key of <paramref name="section"/> that does not fit <paramref name="optionsType"/>, one message each.</summary>
    public static List<string> Check(Type optionsType, IConfigurationSection section, IReadOnlyCollection<string> ownedElsewhere)
    {
        ArgumentNullException.ThrowIfNull(optionsType);
        ArgumentNullException.ThrowIfNull(section);
        var failures = new List<string>();
        CheckObject(optionsType, section, ownedElsewhere, failures);
        return failures;
    }

    private static void CheckNode(Type type, IConfigurationSection section, List<string> failures)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            CheckScalar(underlying, section, emptyAllowed: true, failures);
            return;
        }

        if (IsOpaque(type))
        {
            return;
        }

        if (IsScalar(type))
        {
            CheckScalar(type, section, emptyAllowed: type == typeof(string), failures);
            return;
        }

        if (TryGetDictionaryTypes(type, out var keyType, out var valueType))
        {
            CheckDictionary(keyType, valueType, section, failures);
            return;
        }

        if (TryGetElementType(type, out var elementType))
        {
            CheckList(elementType, section, failures);
            return;
        }

        CheckObject(type, section, [], failures);
    }

    private static void CheckObject(Type type, IConfigurationSection section, IReadOnlyCollection<string> ownedElsewhere, List<string> failures)
    {
        var properties = BindableProperties(type);
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (!string.IsNullOrEmpty(section.Value))
            {
                failures.Add($"{section.Path} is '{Shown(section.Value)}', but it is a section, not a value: set its keys ({KnownKeys(properties, ownedElsewhere)}).");
            }

            return;
        }

        foreach (var child in children)
        {
            if (ownedElsewhere.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!properties.TryGetValue(child.Key, out var property))
            {
                failures.Add(UnknownKey(child, section, properties, ownedElsewhere));
                continue;
            }

            CheckNode(property.PropertyType, child, failures);
        }
    }

    private static void CheckDictionary(Type keyType, Type valueType, IConfigurationSection section, List<string> failures)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (!string.IsNullOrEmpty(section.Value))
            {
                failures.Add($"{section.Path} is '{Shown(section.Value)}', but it is a set of named entries, not a value: set {section.Path}:{{name}}{EntryHint(valueType)}.");
            }

            return;
        }

        var keyEnum = Nullable.GetUnderlyingType(keyType) ?? keyType;
        foreach (var child in children)
        {
            if (keyEnum.IsEnum && !TryParseEnum(keyEnum, child.Key))
            {
                failures.Add($"{child.Path}: '{child.Key}' is not a valid name here; allowed: {EnumNames(keyEnum)} (case-insensitive).");
                continue;
            }

            CheckNode(valueType, child, failures);
        }
    }

    private static void CheckList(Type elementType, IConfigurationSection section, List<string> failures)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (!string.IsNullOrEmpty(section.Value))
            {
                failures.Add($"{section.Path} is '{Shown(section.Value)}', but it is a list, not a value: give its entries as {section.Path}:0, {section.Path}:1, ... (an array in JSON, {EnvironmentName(section.Path)}__0 as environment variables).");
            }

            return;
        }

        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                failures.Add($"{child.Path} is not a list entry: {section.Path} is a list, whose entries are numbered {section.Path}:0, {section.Path}:1, ... (an array in JSON).");
                continue;
            }

            CheckNode(elementType, child, failures);
        }
    }

    private static void CheckScalar(Type type, IConfigurationSection section, bool emptyAllowed, List<string> failures)
    {
        var children = section.GetChildren().ToList();
        if (children.Count > 0)
        {
            failures.Add($"{section.Path} is one value ({Expected(type)}), but it was given sub-keys ({string.Join(", ", children.Select(c => c.Path))}).");
            return;
        }

        var value = section.Value;
        if (value is null)
        {
            return;
        }

        if (value.Length == 0)
        {
            if (!emptyAllowed)
            {
                failures.Add($"{section.Path} is empty; it must be {Expected(type)}. Remove the key to keep the default.");
            }

            return;
        }

        if (type.IsEnum)
        {
            if (!TryParseEnum(type, value))
            {
                failures.Add($"{section.Path} is '{Shown(value)}'; allowed values: {EnumNames(type)} (case-insensitive).");
            }

            return;
        }

        if (type == typeof(string) || type == typeof(object))
        {
            return;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or NotSupportedException or InvalidOperationException)
        {
            failures.Add($"{section.Path} is '{Shown(value)}', which is not {Expected(type)}.");
        }
    }

    /// <summary>Names only, never numbers (which the binder would accept, undefined ones included); comma-separated for [Flags].</summary>
    private static bool TryParseEnum(Type type, string value)
    {
        var names = Enum.GetNames(type);
        var parts = type.IsDefined(typeof(FlagsAttribute), inherit: false) ? value.Split(',') : [value];
        return parts.All(part => names.Contains(part.Trim(), StringComparer.OrdinalIgnoreCase));
    }

    private static string EnumNames(Type type) =>
        string.Join(", ", Enum.GetNames(type)) + (type.IsDefined(typeof(FlagsAttribute), inherit: false) ? " (several separated by commas)" : string.Empty);

    /// <summary>What a value of <paramref name="type"/> looks like, for a failure message.</summary>
    internal static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"one of {EnumNames(type)}";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.Int32 => "a whole number from -2147483648 to 2147483647",
            TypeCode.Int64 => "a whole number (64-bit)",
            TypeCode.Int16 => "a whole number from -32768 to 32767",
            TypeCode.Byte => "a whole number from 0 to 255",
            TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 or TypeCode.SByte => "a whole number",
            TypeCode.Decimal or TypeCode.Double or TypeCode.Single => "a number with '.' as decimal separator (for example 2.5)",
            TypeCode.DateTime => "a date and time in ISO 8601 (for example 2025-01-31T00:00:00Z)",
            _ when type == typeof(TimeSpan) => "a time span [d.]hh:mm:ss[.fff] (for example 00:00:30 or 1.00:00:00)",
            _ when type == typeof(DateTimeOffset) => "a date and time in ISO 8601 (for example 2025-01-31T00:00:00Z)",
            _ when type == typeof(Uri) => "a URL (for example https://example.com/v1)",
            _ when type == typeof(Guid) => "a GUID (for example 0f8fad5b-d9cb-469f-a165-70867728950e)",
            _ => $"a {type.Name}",
        };
    }

    private static string UnknownKey(IConfigurationSection child, IConfigurationSection section, Dictionary<string, PropertyInfo> properties, IReadOnlyCollection<string> ownedElsewhere)
    {
        var message = new StringBuilder()
            .Append(child.Path).Append(" is not a known key; the keys under ").Append(section.Path).Append(" are ")
            .Append(KnownKeys(properties, ownedElsewhere)).Append('.');
        var suggestion = Nearest(child.Key, properties.Keys.Concat(ownedElsewhere));
        if (suggestion is not null)
        {
            message.Append(" Did you mean ").Append(section.Path).Append(':').Append(suggestion).Append('?');
        }

        return message.ToString();
    }

    private static string KnownKeys(Dictionary<string, PropertyInfo> properties, IReadOnlyCollection<string> ownedElsewhere) =>
        string.Join(", ", properties.Values.Select(KeyName).Concat(ownedElsewhere).Distinct(StringComparer.OrdinalIgnoreCase));

    private static string? Nearest(string key, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, best.Length / 2) ? best : null;
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string EntryHint(Type valueType)
    {
        var type = Nullable.GetUnderlyingType(valueType) ?? valueType;
        return IsScalar(type) || IsOpaque(type) ? string.Empty : ":...";
    }

    private static string EnvironmentName(string path) => path.Replace(":", "__", StringComparison.Ordinal);

    private static string Shown(string value) =>
        value.Length <= MaxShownValueLength ? value : string.Concat(value.AsSpan(0, MaxShownValueLength), "...");

    /// <summary>
    /// The properties the binder sets: public, readable, not indexers; settable, or read-only of a type bound in place
    /// (a nested object, a dictionary or a list). Keyed by configuration key, case-insensitively.
    /// </summary>
    private static Dictionary<string, PropertyInfo> BindableProperties(Type type)
    {
        var properties = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var property in current.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (property.GetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
                {
                    continue;
                }

                var settable = property.SetMethod is { IsPublic: true };
                var boundInPlace = !IsScalar(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) && !property.PropertyType.IsArray;
                if (settable || boundInPlace)
                {
                    properties.TryAdd(KeyName(property), property);
                }
            }
        }

        return properties;
    }

    private static string KeyName(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;

    private static bool IsOpaque(Type type) =>
        type == typeof(object) || typeof(IConfiguration).IsAssignableFrom(type);

    /// <summary>A type the binder converts from one string (as it decides: a TypeConverter from string).</summary>
    private static bool IsScalar(Type type) =>
        type == typeof(string) || type.IsEnum || type.IsPrimitive || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static bool TryGetDictionaryTypes(Type type, out Type keyType, out Type valueType)
    {
        foreach (var candidate in SelfAndInterfaces(type))
        {
            if (candidate.IsGenericType
                && (candidate.GetGenericTypeDefinition() == typeof(IDictionary<,>) || candidate.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            {
                var arguments = candidate.GetGenericArguments();
                keyType = arguments[0];
                valueType = arguments[1];
                return true;
            }
        }

        keyType = valueType = typeof(object);
        return false;
    }

    private static bool TryGetElementType(Type type, out Type elementType)
    {
        if (type.IsArray)
        {
            elementType = type.GetElementType()!;
            return true;
        }

        foreach (var candidate in SelfAndInterfaces(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                elementType = candidate.GetGenericArguments()[0];
                return true;
            }
        }

        elementType = typeof(object);
        return false;
    }

    private static Type[] SelfAndInterfaces(Type type) => type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces();
}
