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

    /// <summary>Contains the local part of the account's email (the part before the <c>@</c>).</summary>
    public const string ContainsEmail = "contains_email";
}
