namespace Foundation.Storage;

/// <summary>A request Foundation.Storage refuses; <see cref="StatusCode"/> is the HTTP status its API answers with.</summary>
public abstract class StorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected StorageException(int statusCode, string field, string message, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Field = field;
    }

    /// <summary>The HTTP status (400, 404, 413, 415).</summary>
    public int StatusCode { get; }

    /// <summary>The input the refusal is about (<c>file</c>, <c>id</c>, <c>limit</c>, ...).</summary>
    public string Field { get; }
}

/// <summary>Invalid input: an empty file, a body that ended early or disagrees with its declared length, a malformed parameter (400).</summary>
public sealed class StorageValidationException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageValidationException(string field, string message, Exception? inner = null)
        : base(400, field, message, inner)
    {
    }
}

/// <summary>No such file in the caller's tenant (404); another tenant's file is indistinguishable from a missing one.</summary>
public sealed class StorageFileNotFoundException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageFileNotFoundException(Guid id)
        : base(404, "id", $"There is no file {id}.")
    {
        FileId = id;
    }

    /// <summary>The id asked for.</summary>
    public Guid FileId { get; }
}

/// <summary>The file is larger than the per-file limit, or would take the tenant over its quota (413). Nothing of it is kept.</summary>
public sealed class StorageLimitExceededException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageLimitExceededException(string limit, long limitBytes, string message)
        : base(413, "file", message)
    {
        Limit = limit;
        LimitBytes = limitBytes;
    }

    /// <summary><c>MaxFileBytes</c> or <c>TenantQuotaBytes</c>.</summary>
    public string Limit { get; }

    /// <summary>The limit, in bytes (for the quota: what was left of it).</summary>
    public long LimitBytes { get; }
}

/// <summary>The content's detected type is not allowed for the tenant, or differs from the declared type (415).</summary>
public sealed class StorageUnsupportedTypeException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageUnsupportedTypeException(string detectedType, string? declaredType, string message)
        : base(415, "file", message)
    {
        DetectedType = detectedType;
        DeclaredType = declaredType;
    }

    /// <summary>The type detected from the bytes.</summary>
    public string DetectedType { get; }

    /// <summary>The type the client declared, if any.</summary>
    public string? DeclaredType { get; }
}

/// <summary>Foundation.Storage is misconfigured (for example no signing key and no secret protector).</summary>
public sealed class StorageConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageConfigurationException(string message)
        : base(message)
    {
    }
}
