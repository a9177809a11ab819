namespace Foundation.Audit.Storage;

/// <summary>Column lengths of the audit tables (values longer than these are cut before hashing, so the stored row is what was hashed).</summary>
internal static class AuditColumnLengths
{
    public const int TenantId = 128;
    public const int ActorType = 16;
    public const int ActorId = 128;
    public const int Action = 128;
    public const int TargetType = 64;
    public const int TargetId = 256;
    public const int Outcome = 16;
    public const int Severity = 16;
    public const int ClientIp = 64;
    public const int UserAgent = 512;
    public const int RequestId = 128;
    public const int Hash = 64;
    public const int KeyId = 64;
    public const int Kind = 16;
    public const int Signature = 64;
    public const int ProtectedKey = 1024;
    public const int Reason = 512;

    // Stored widths of the columns that hold personal fields encrypted (enc1:<key id>:<base64>): the plaintext is cut to the lengths
    // above first, then encrypted, so the ciphertext of the longest value fits.
    public const int ActorIdStored = 1024;
    public const int ClientIpStored = 1024;
    public const int UserAgentStored = 4096;
    public const int Purpose = 64;
    public const int ConsentVersion = 32;
}
