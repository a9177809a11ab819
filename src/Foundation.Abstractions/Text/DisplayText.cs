using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Foundation.Text;

/// <summary>
/// The rule for names that people read (API key names, trusted-device names, budget names, model names in price
/// entries, ...): no character that is invisible or changes how the text around it is shown. Refused are control
/// characters (Unicode category Cc: tab, newline, NUL, ...), format characters (Cf: zero-width space, joiner and
/// non-joiner U+200B-U+200D, the direction marks U+200E/U+200F and U+061C, the bidirectional embeddings and overrides
/// U+202A-U+202E and isolates U+2066-U+2069, word joiner U+2060, byte-order mark U+FEFF, soft hyphen, tags, ...), line
/// and paragraph separators (Zl, Zp) and unpaired UTF-16 surrogates. Letters, digits, punctuation, symbols, emoji and
/// ordinary spaces of every script are allowed.
/// </summary>
/// <remarks>
/// Such characters let one name pass for another in a list (<c>prod</c> and <c>prod</c> + U+200B), reverse what a
/// reader sees (<c>U+202E</c> turns <c>key-gpj.exe</c> into <c>key-exe.jpg</c>) or break the lines of logs and
/// exports. Emoji that are built with a zero-width joiner (a family, a flag of a region) are refused with them.
/// </remarks>
public static class DisplayText
{
    /// <summary>The first character of <paramref name="text"/> that a name may not contain, or <see langword="null"/>.</summary>
    public static RefusedCharacter? FindRefusedCharacter(ReadOnlySpan<char> text)
    {
        var index = 0;
        while (index < text.Length)
        {
            var status = Rune.DecodeFromUtf16(text[index..], out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                return new RefusedCharacter(index, text[index], UnicodeCategory.Surrogate);
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return new RefusedCharacter(index, rune.Value, category);
            }

            index += consumed;
        }

        return null;
    }

    /// <summary>Whether <paramref name="text"/> contains no refused character.</summary>
    public static bool IsAllowed(ReadOnlySpan<char> text) => FindRefusedCharacter(text) is null;
}

/// <summary>A character refused by <see cref="DisplayText"/>: where it is, which it is and why.</summary>
/// <param name="Index">Its position in the text, in UTF-16 code units from 0.</param>
/// <param name="CodePoint">The code point (for an unpaired surrogate, the surrogate's value).</param>
/// <param name="Category">Its Unicode general category (<see cref="UnicodeCategory.Surrogate"/> for an unpaired surrogate).</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct RefusedCharacter(int Index, int CodePoint, UnicodeCategory Category)
{
    /// <summary>What kind of character it is, for a message: for example <c>a bidirectional control</c>.</summary>
    public string Kind => CodePoint switch
    {
        >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 => "a bidirectional control",
        0x200E or 0x200F or 0x061C => "a direction mark",
        >= 0x200B and <= 0x200D or 0x2060 or 0xFEFF => "a zero-width character",
        _ => Category switch
        {
            UnicodeCategory.Control => "a control character",
            UnicodeCategory.Surrogate => "an unpaired surrogate",
            UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "a line or paragraph separator",
            _ => "an invisible format character",
        },
    };

    /// <summary>The code point as <c>U+202E</c>.</summary>
    public string CodePointText => "U+" + CodePoint.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>
    /// A message a person can act on, such as <c>The name contains U+202E (a bidirectional control) at position 4; remove it:
    /// names may not contain control, zero-width, bidirectional or other invisible characters.</c>
    /// </summary>
    /// <param name="what">What the text is, as the message should name it (for example <c>The name</c>).</param>
    public string Describe(string what) => string.Create(
        CultureInfo.InvariantCulture,
        $"{what} contains {CodePointText} ({Kind}) at position {Index + 1}; remove it: names may not contain control, zero-width, bidirectional or other invisible characters.");
}
