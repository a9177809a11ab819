using System.Collections.Frozen;

namespace Foundation.Auth.Passwords;

/// <summary>
/// The 10,000 most common passwords (SecLists' <c>10-million-password-list-top-10000</c>, lower-cased and de-duplicated:
/// 9,913 entries), embedded as <c>Passwords/Resources/common-passwords.txt</c> and loaded once, on first use.
/// </summary>
internal static class CommonPasswords
{
    /// <summary>The manifest resource name (set explicitly in the csproj so that renaming the folder cannot break it).</summary>
    public const string ResourceName = "Foundation.Auth.Passwords.Resources.common-passwords.txt";

    private static readonly Lazy<FrozenSet<string>> s_passwords = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The list: lower-case (invariant) entries, compared ordinally.</summary>
    public static FrozenSet<string> All => s_passwords.Value;

    /// <summary>Whether <paramref name="password"/> is on the list, ignoring case.</summary>
    public static bool Contains(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return All.Contains(password.ToLowerInvariant());
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from Foundation.Auth.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            // Lines starting with '#' are the header (source and license); no entry starts with '#'.
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            passwords.Add(line.ToLowerInvariant());
        }

        return passwords.ToFrozenSet(StringComparer.Ordinal);
    }
}
