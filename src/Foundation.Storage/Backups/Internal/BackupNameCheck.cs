namespace Foundation.Storage.Backups.Internal;

internal static class BackupNameCheck
{
    /// <summary>Object names are an id and a known suffix: letters, digits, dashes and dots, no path.</summary>
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 128 || name.StartsWith('.') || name.Contains("..", StringComparison.Ordinal)
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
        {
            throw new ArgumentException($"'{name}' is not a backup object name.", nameof(name));
        }
    }
}
