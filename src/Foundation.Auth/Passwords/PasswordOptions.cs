namespace Foundation.Auth;

/// <summary>Password rules (NIST SP 800-63B) and hashing, bound from <c>Foundation:Auth:Passwords</c>.</summary>
public sealed class PasswordOptions
{
    /// <summary>The fewest characters (after NFKC normalisation). Default 12; at least 8.</summary>
    public int MinimumLength { get; set; } = 12;

    /// <summary>The most characters. Default 128; at least 128 and at least <see cref="MinimumLength"/>.</summary>
    public int MaximumLength { get; set; } = 128;

    /// <summary>Refuse the 10,000 most common passwords. Default <see langword="true"/>.</summary>
    public bool RefuseCommonPasswords { get; set; } = true;

    /// <summary>
    /// Refuse passwords that contain a part of the user's email: the local part, a word of it (split at <c>. _ - +</c>, four
    /// characters or more) or a domain label other than the top-level one (four characters or more). Default <see langword="true"/>.
    /// </summary>
    public bool RefuseEmailLocalPart { get; set; } = true;

    /// <summary>
    /// Refuse passwords made of one repeated unit (<c>aaaaaaaaaaaa</c>, <c>passwordpassword</c>) or of one ascending or
    /// descending run (<c>123456789012</c>, <c>abcdefghijkl</c>). Default <see langword="true"/>.
    /// </summary>
    public bool RefuseRepetitiveAndSequential { get; set; } = true;

    /// <summary>
    /// The name of the service, which passwords may not contain (compared ignoring case and all but letters and digits,
    /// when it has four or more of them). Default <see langword="null"/>: the host's application name
    /// (<c>IHostEnvironment.ApplicationName</c>) when there is a host; set it to the name users know the service by.
    /// </summary>
    public string? ServiceName { get; set; }

    /// <summary>PBKDF2-HMAC-SHA256 iterations for new hashes. Default 600,000 (OWASP); at least 100,000.</summary>
    public int Pbkdf2Iterations { get; set; } = 600_000;
}
