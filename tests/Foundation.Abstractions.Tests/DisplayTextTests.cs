using System.Globalization;
using Foundation.Text;

namespace Foundation.Abstractions.Tests;

public class DisplayTextTests
{
    [Theory]
    [InlineData("ci")]
    [InlineData("Production key 2026")]
    [InlineData("Ada's laptop (Firefox, Linux)")]
    [InlineData("東京オフィス")]
    [InlineData("Ключ для CI")]
    [InlineData("מפתח ראשי")]
    [InlineData("مفتاح الإنتاج")]
    [InlineData("gpt-4o-mini")]
    [InlineData("budget 💸 rocket 🚀")]
    [InlineData("e\u0301clair")]
    [InlineData("")]
    public void Names_of_every_script_emoji_and_combining_marks_are_allowed(string name)
    {
        DisplayText.FindRefusedCharacter(name).ShouldBeNull();
        DisplayText.IsAllowed(name).ShouldBeTrue();
    }

    [Theory]
    [InlineData("prod\u200B", 0x200B, 4, "a zero-width character")]
    [InlineData("pr\u200Cod", 0x200C, 2, "a zero-width character")]
    [InlineData("pr\u200Dod", 0x200D, 2, "a zero-width character")]
    [InlineData("\u200Ekey", 0x200E, 0, "a direction mark")]
    [InlineData("key\u200F", 0x200F, 3, "a direction mark")]
    [InlineData("key\u061C", 0x061C, 3, "a direction mark")]
    [InlineData("a\u202Ab", 0x202A, 1, "a bidirectional control")]
    [InlineData("key-\u202Egpj.exe", 0x202E, 4, "a bidirectional control")]
    [InlineData("a\u2066b", 0x2066, 1, "a bidirectional control")]
    [InlineData("a\u2069b", 0x2069, 1, "a bidirectional control")]
    [InlineData("a\u2060b", 0x2060, 1, "a zero-width character")]
    [InlineData("\uFEFFkey", 0xFEFF, 0, "a zero-width character")]
    [InlineData("soft\u00ADhyphen", 0x00AD, 4, "an invisible format character")]
    [InlineData("tab\there", 0x09, 3, "a control character")]
    [InlineData("line\nbreak", 0x0A, 4, "a control character")]
    [InlineData("nul\0", 0x00, 3, "a control character")]
    [InlineData("del\u007F", 0x7F, 3, "a control character")]
    [InlineData("c1\u0085", 0x85, 2, "a control character")]
    [InlineData("a\u2028b", 0x2028, 1, "a line or paragraph separator")]
    [InlineData("a\u2029b", 0x2029, 1, "a line or paragraph separator")]
    public void Control_format_bidi_and_zero_width_characters_are_refused_and_named(string name, int codePoint, int index, string kind)
    {
        var refused = DisplayText.FindRefusedCharacter(name).ShouldNotBeNull();
        refused.CodePoint.ShouldBe(codePoint);
        refused.Index.ShouldBe(index);
        refused.Kind.ShouldBe(kind);
        DisplayText.IsAllowed(name).ShouldBeFalse();
        refused.Describe("The name").ShouldStartWith(
            string.Create(CultureInfo.InvariantCulture, $"The name contains U+{codePoint:X4} ({kind}) at position {index + 1}; remove it"));
    }

    [Fact]
    public void A_tag_character_outside_the_bmp_is_refused_with_its_code_point()
    {
        var refused = DisplayText.FindRefusedCharacter("flag\U000E0067").ShouldNotBeNull();
        refused.CodePoint.ShouldBe(0xE0067);
        refused.Category.ShouldBe(UnicodeCategory.Format);
        refused.CodePointText.ShouldBe("U+E0067");
    }

    [Theory]
    [InlineData("lone", 0xD800, "", 4)]
    [InlineData("", 0xDC00, "low", 0)]
    [InlineData("swapped", 0xDC00, "\uD800", 7)]
    [InlineData("high at end", 0xDBFF, "", 11)]
    public void Unpaired_surrogates_are_refused(string before, int surrogate, string after, int index)
    {
        // Built here: xUnit's test-case serialisation would turn a lone surrogate in InlineData into U+FFFD.
        var name = before + (char)surrogate + after;
        var refused = DisplayText.FindRefusedCharacter(name).ShouldNotBeNull();
        refused.Category.ShouldBe(UnicodeCategory.Surrogate);
        refused.Index.ShouldBe(index);
        refused.CodePoint.ShouldBe(surrogate);
        refused.Kind.ShouldBe("an unpaired surrogate");
    }

    [Fact]
    public void A_paired_surrogate_is_one_character_and_positions_count_utf16_units()
    {
        DisplayText.FindRefusedCharacter("🚀\u200B").ShouldNotBeNull().Index.ShouldBe(2);
    }
}
