namespace Foundation.Auth.Passwords;

/// <summary>The stable codes of <see cref="PasswordPolicyError"/>, for clients that react to a reason.</summary>
public static class PasswordPolicyErrorCodes
{
    /// <summary>No password was given.</summary>
    public const string Empty = "empty";

    /// <summary>Fewer characters than <see cref="PasswordOptions.MinimumLength"/>.</summary>
    public const string TooShort = "too_short";

    /// <summary>More characters than <see cref="PasswordOptions.MaximumLength"/>.</summary>
    public const string TooLong = "too_long";

    /// <summary>On the list of the 10,000 most common passwords.</summary>
    public const string Common = "common";

    /// <summary>
    /// Contains a part of the account's email: the local part (before the <c>@</c>), a word of it, or a domain label other
    /// than the top-level one.
    /// </summary>
    public const string ContainsEmail = "contains_email";

    /// <summary>Only white space (spaces, tabs, ideographic spaces, ...).</summary>
    public const string WhitespaceOnly = "whitespace_only";

    /// <summary>One unit repeated: <c>aaaaaaaaaaaa</c>, <c>passwordpassword</c>, <c>abcabcabcabc</c>.</summary>
    public const string Repetitive = "repetitive";

    /// <summary>
    /// An ascending or descending run of consecutive characters covering all but at most two of its characters:
    /// <c>123456789012</c>, <c>abcdefghijkl</c>, <c>987654321098</c>.
    /// </summary>
    public const string Sequential = "sequential";

    /// <summary>A common password with only digits or symbols added before or after it: <c>password1234</c>, <c>2024dragon!</c>.</summary>
    public const string CommonVariant = "common_variant";

    /// <summary>Contains the name of the service (<see cref="PasswordOptions.ServiceName"/>).</summary>
    public const string ContainsServiceName = "contains_service_name";
}
