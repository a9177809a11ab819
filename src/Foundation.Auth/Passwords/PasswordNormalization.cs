using System.Text;

namespace Foundation.Auth.Passwords;

/// <summary>The one normalisation of passwords that the policy and the hasher share: Unicode NFKC.</summary>
/// <remarks>
/// NIST SP 800-63B (5.1.1.2) asks verifiers to normalise with NFKC or NFKD before hashing, so that a password typed as
/// composed or decomposed characters, or with full-width forms (<c>ｐａｓｓ</c>), is the same password everywhere.
/// Ill-formed UTF-16 (a lone surrogate, which no keyboard produces) is first replaced by U+FFFD, as UTF-8 encoding
/// would replace it anyway; so normalisation never throws.
/// </remarks>
public static class PasswordNormalization
{
    /// <summary>Returns <paramref name="password"/> in Unicode normalisation form KC.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="password"/> is <see langword="null"/>.</exception>
    public static string Normalize(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (HasLoneSurrogate(password))
        {
            password = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(password));
        }

        return password.IsNormalized(NormalizationForm.FormKC) ? password : password.Normalize(NormalizationForm.FormKC);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
