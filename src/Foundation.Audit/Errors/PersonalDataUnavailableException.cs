namespace Foundation.Audit.PersonalData;

/// <summary>
/// A provider failed while exporting or erasing; nothing is half-done inside a provider (each works in one transaction), and an erasure is
/// safe to repeat: the providers that finished find nothing left, the failed one tries again. The HTTP API answers 503 naming the sections.
/// </summary>
public sealed class PersonalDataUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PersonalDataUnavailableException(string message, IReadOnlyList<string> failed, IReadOnlyList<string> completed, Exception? innerException = null)
        : base(message, innerException)
    {
        Failed = failed;
        Completed = completed;
    }

    /// <summary>Creates the exception.</summary>
    public PersonalDataUnavailableException()
        : this("A personal-data provider failed.", [], [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public PersonalDataUnavailableException(string message)
        : this(message, [], [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public PersonalDataUnavailableException(string message, Exception innerException)
        : this(message, [], [], innerException)
    {
    }

    /// <summary>The sections (provider names) that failed.</summary>
    public IReadOnlyList<string> Failed { get; }

    /// <summary>The sections that completed.</summary>
    public IReadOnlyList<string> Completed { get; }
}
