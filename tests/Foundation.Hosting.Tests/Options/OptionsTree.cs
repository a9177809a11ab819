using System.Reflection;
using Foundation.Hosting.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Tests.Options;

/// <summary>
/// The tree of configuration keys Foundation reads, found by reflection from the options types that
/// <c>AddFoundation</c> binds to configuration (not from a hand-written list): every options class registered with
/// <c>Bind(section)</c>, walked property by property, dictionaries with a sample entry, lists with entry 0.
/// Written independently of the product's checker, so the tests compare two readings of the same types.
/// </summary>
internal static class OptionsTree
{
    /// <summary>The sample name used for a dictionary entry (<c>Models:{alias}</c> becomes <c>Models:sample</c>).</summary>
    public const string EntryName = "sample";

    /// <summary>Section paths of options classes without a <c>SectionName</c> constant.</summary>
    private static readonly Dictionary<Type, string> s_pathsWithoutConstant = new()
    {
        [typeof(MetricsOptions)] = "Foundation:Hosting:Metrics",
    };

    public enum Kind
    {
        Scalar,
        Object,
        Dictionary,
        List,
    }

    /// <summary>A key of the tree: its full path (sample names filled in), what it holds, and the options class it belongs to.</summary>
    public sealed record Node(string Path, Kind Kind, Type Type, Type Root);

    /// <summary>Every options class AddFoundation binds from configuration, with its section path.</summary>
    public static IReadOnlyList<(Type Type, string Path)> Roots()
    {
        var services = NewServices(new ConfigurationBuilder().Build(), Path.GetTempPath());
        var roots = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Where(d => d.ImplementationInstance?.GetType() is { IsGenericType: true } t
                && t.GetGenericTypeDefinition() == typeof(NamedConfigureFromConfigurationOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("Foundation", StringComparison.Ordinal) == true)
            .Distinct()
            .Select(t => (t, SectionPath(t)))
            .OrderBy(r => r.Item2, StringComparer.Ordinal)
            .ToList();
        return roots;
    }

    /// <summary>Every node of every root.</summary>
    public static IReadOnlyList<Node> All() =>
        [.. Roots().SelectMany(r => Walk(r.Type, r.Path, r.Type, depth: 0))];

    /// <summary>The services of <c>AddFoundation(configuration)</c> with a host environment, not yet built.</summary>
    public static ServiceCollection NewServices(IConfiguration configuration, string contentRoot)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment
        {
            ApplicationName = "Foundation.Hosting.Tests",
            EnvironmentName = Environments.Production,
            ContentRootPath = contentRoot,
        });
        services.AddLogging();
        services.AddFoundation(configuration);
        return services;
    }

    /// <summary>
    /// The type at <paramref name="path"/> (sample names in place of placeholders), or null when no options class reads
    /// such a key.
    /// </summary>
    public static Type? TypeAt(string path)
    {
        var root = Roots()
            .Where(r => path.StartsWith(r.Path + ":", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(r => r.Path.Length)
            .FirstOrDefault();
        if (root.Type is null)
        {
            return null;
        }

        Type? current = root.Type;
        foreach (var segment in path[(root.Path.Length + 1)..].Split(':'))
        {
            current = Step(current!, segment);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>A value the binder reads for a key of <paramref name="type"/>.</summary>
    public static string GoodValue(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            // Lower case on purpose: the binder, and so the check, read enum names case-insensitively.
            return Enum.GetNames(type)[^1].ToLowerInvariant();
        }

        return type switch
        {
            _ when type == typeof(string) => "x",
            _ when type == typeof(bool) => "true",
            _ when type == typeof(int) || type == typeof(long) => "1",
            _ when type == typeof(decimal) || type == typeof(double) => "1.5",
            _ when type == typeof(TimeSpan) => "00:00:30",
            _ when type == typeof(DateTimeOffset) => "2025-01-31T00:00:00Z",
            _ when type == typeof(Uri) => "https://example.com/v1",
            _ => throw new InvalidOperationException($"OptionsTree has no good value for {type}; add one."),
        };
    }

    /// <summary>A value that cannot be read as <paramref name="type"/>, and what its failure must say; null for strings (anything goes).</summary>
    public static (string Value, string[] Expected)? BadValue(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return ("Fastest-Possible", ["allowed values:", .. Enum.GetNames(type)]);
        }

        return type switch
        {
            _ when type == typeof(string) => null,
            _ when type == typeof(bool) => ("maybe", ["true or false"]),
            _ when type == typeof(int) => ("twelve", ["a whole number"]),
            _ when type == typeof(long) => ("9223372036854775808", ["a whole number"]),
            _ when type == typeof(decimal) || type == typeof(double) => ("cheap", ["a number", "2.5"]),
            _ when type == typeof(TimeSpan) => ("soon", ["a time span", "00:00:30"]),
            _ when type == typeof(DateTimeOffset) => ("next tuesday", ["ISO 8601"]),
            _ when type == typeof(Uri) => ("http://[::1", ["a URL"]),
            _ => throw new InvalidOperationException($"OptionsTree has no bad value for {type}; add one."),
        };
    }

    private static string SectionPath(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string
        ?? (s_pathsWithoutConstant.TryGetValue(type, out var path)
            ? path
            : throw new InvalidOperationException($"{type} is bound from configuration; add its section path to OptionsTree."));

    private static IEnumerable<Node> Walk(Type type, string path, Type root, int depth)
    {
        if (depth > 10)
        {
            throw new InvalidOperationException($"{path} nests too deep; is {type} recursive?");
        }

        var kind = Classify(type, out var keyType, out var itemType);
        yield return new Node(path, kind, type, root);
        switch (kind)
        {
            case Kind.Object:
                foreach (var property in Properties(type))
                {
                    foreach (var node in Walk(property.PropertyType, $"{path}:{property.Name}", root, depth + 1))
                    {
                        yield return node;
                    }
                }

                break;
            case Kind.Dictionary:
                keyType.ShouldBe(typeof(string), $"{path}: a dictionary keyed by {keyType}; teach OptionsTree its sample key.");
                foreach (var node in Walk(itemType, $"{path}:{EntryName}", root, depth + 1))
                {
                    yield return node;
                }

                break;
            case Kind.List:
                foreach (var node in Walk(itemType, $"{path}:0", root, depth + 1))
                {
                    yield return node;
                }

                break;
        }
    }

    private static Type? Step(Type type, string segment)
    {
        switch (Classify(type, out _, out var itemType))
        {
            case Kind.Object:
                return Properties(type).FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase))?.PropertyType;
            case Kind.Dictionary:
                return itemType;
            case Kind.List:
                return int.TryParse(segment, out _) ? itemType : null;
            default:
                return null;
        }
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Where(p => p.SetMethod is { IsPublic: true } || Classify(p.PropertyType, out _, out _) != Kind.Scalar);

    private static Kind Classify(Type type, out Type keyType, out Type itemType)
    {
        keyType = itemType = typeof(object);
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum || underlying.IsPrimitive || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(TimeSpan) || underlying == typeof(DateTimeOffset) || underlying == typeof(Uri))
        {
            return Kind.Scalar;
        }

        var interfaces = type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces();
        var dictionary = interfaces.FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
        {
            keyType = dictionary.GetGenericArguments()[0];
            itemType = dictionary.GetGenericArguments()[1];
            return Kind.Dictionary;
        }

        var list = interfaces.FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (list is not null)
        {
            itemType = list.GetGenericArguments()[0];
            return Kind.List;
        }

        type.Namespace.ShouldNotBeNull().ShouldStartWith("Foundation", customMessage: $"{type} in an options class: teach OptionsTree how it is bound.");
        return Kind.Object;
    }
}
