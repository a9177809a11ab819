namespace Foundation.Storage.Storage;

internal static class StorageColumnLengths
{
    public const int Id = 32;
    public const int TenantId = 128;
    public const int Name = 255;
    public const int ContentType = 128;
    public const int Sha256 = 64;
    public const int UserId = 128;
    public const int SettingName = 64;
    public const int SettingValue = 4096;
}
