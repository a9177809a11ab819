namespace Foundation.Hosting;

/// <summary>The root of Foundation's configuration, bound from the <c>Foundation</c> section.</summary>
public sealed class FoundationOptions
{
    /// <summary>The configuration section everything of Foundation lives under: <c>Foundation</c>.</summary>
    public const string SectionName = "Foundation";

    /// <summary>
    /// The folder Foundation keeps its local state in (the SQLite database, Data Protection keys).
    /// Relative paths resolve against the content root. Created on start. Default <c>data</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The database the Foundation stores use, bound from <c>Foundation:Database</c>.</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>The key ring of the secret protector, bound from <c>Foundation:DataProtection</c>.</summary>
    public DataProtectionSettings DataProtection { get; set; } = new();
}

/// <summary>The Data Protection key ring behind the secret protector, bound from <c>Foundation:DataProtection</c>.</summary>
public sealed class DataProtectionSettings
{
    /// <summary>The application name that isolates this app's keys. Default <c>Foundation</c>; every instance of one app must share it.</summary>
    public string ApplicationName { get; set; } = "Foundation";

    /// <summary>The folder the key ring is persisted in. Default <c>{DataDirectory}/keys</c>. Instances of one app must share it.</summary>
    public string? KeysDirectory { get; set; }
}
