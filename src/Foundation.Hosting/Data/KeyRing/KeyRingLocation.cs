namespace Foundation.Hosting;

/// <summary>Where the Data Protection key ring lives (<c>Foundation:DataProtection:KeyRing</c>).</summary>
public enum KeyRingLocation
{
    /// <summary>A folder (<c>Foundation:DataProtection:KeysDirectory</c>): one machine, or a folder every instance shares. Default on SQLite.</summary>
    Folder = 0,

    /// <summary>The suite's database (<c>Foundation:Database</c>), table <c>foundation_data_protection_keys</c>: every instance shares it. Default on PostgreSQL.</summary>
    Database = 1,

    /// <summary>
    /// Redis (<c>Foundation:Redis:Configuration</c>), under the key <c>{Foundation:Redis:KeyPrefix}data-protection-keys</c>: every instance
    /// shares it. Redis must persist its data (RDB or AOF): a Redis that loses the key loses every protected secret.
    /// </summary>
    Redis = 2,
}
