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

    /// <summary>
    /// Redis, the shared fast path of several instances (rate limits, cache invalidation, optionally the key ring), bound from
    /// <c>Foundation:Redis</c>. Off unless <c>Foundation:Redis:Configuration</c> is set.
    /// </summary>
    public RedisSettings Redis { get; set; } = new();
}

/// <summary>Redis, bound from <c>Foundation:Redis</c>. Unset <see cref="Configuration"/>: no Redis, every instance keeps its own state.</summary>
public sealed class RedisSettings
{
    /// <summary>
    /// A StackExchange.Redis configuration string (<c>Foundation:Redis:Configuration</c>), such as <c>redis1:6379,password=...,ssl=true</c>.
    /// When set, rate limits are counted in Redis (shared by every instance), cache invalidations travel over Redis pub/sub, and
    /// <c>/health/ready</c> reports Redis. Unset (the default): none of that; SQLite or PostgreSQL alone work as before.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// What every Redis key and pub/sub channel of this application starts with (<c>Foundation:Redis:KeyPrefix</c>). Default
    /// <c>foundation:</c>; give each application sharing one Redis its own.
    /// </summary>
    public string KeyPrefix { get; set; } = "foundation:";

    /// <summary>Whether Redis is configured.</summary>
    internal bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}

/// <summary>The Data Protection key ring behind the secret protector, bound from <c>Foundation:DataProtection</c>.</summary>
public sealed class DataProtectionSettings
{
    /// <summary>The application name that isolates this app's keys. Default <c>Foundation</c>; every instance of one app must share it.</summary>
    public string ApplicationName { get; set; } = "Foundation";

    /// <summary>
    /// The folder the key ring is persisted in. Default <c>{DataDirectory}/keys</c>, created with mode 0700. Instances of one
    /// app must share it.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>
    /// Where the key ring lives (<c>Foundation:DataProtection:KeyRing</c>): <see cref="KeyRingLocation.Folder"/> (<see cref="KeysDirectory"/>)
    /// <see cref="KeyRingLocation.Database"/> (the suite's database, shared by every instance) or <see cref="KeyRingLocation.Redis"/>
    /// (key <c>{Foundation:Redis:KeyPrefix}data-protection-keys</c>, needs <c>Foundation:Redis:Configuration</c>). Unset (the default): the database when
    /// <c>Foundation:Database:Provider</c> is PostgreSql, the folder on SQLite. Switching to the database copies the folder's keys into it at start.
    /// </summary>
    public KeyRingLocation? KeyRing { get; set; }

    /// <summary>
    /// A certificate that encrypts the key ring at rest (<c>Foundation:DataProtection:Certificate</c>). Unset (the default),
    /// the keys are stored unencrypted and only the folder's permissions protect them.
    /// </summary>
    public DataProtectionCertificateSettings Certificate { get; set; } = new();
}

/// <summary>
/// The certificate that encrypts the Data Protection key ring at rest (ASP.NET Core's <c>ProtectKeysWithCertificate</c>),
/// bound from <c>Foundation:DataProtection:Certificate</c>.
/// </summary>
public sealed class DataProtectionCertificateSettings
{
    /// <summary>
    /// A PKCS#12 file (<c>.pfx</c>, <c>.p12</c>) holding a certificate with its RSA private key. Relative paths resolve
    /// against the content root. Every instance sharing the key ring needs the same certificate.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// The file's password, if it has one. Keep it out of appsettings.json: an environment variable
    /// (<c>Foundation__DataProtection__Certificate__Password</c>) or a secret store.
    /// </summary>
    public string? Password { get; set; }
}
