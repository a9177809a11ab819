using Foundation.Auth.Accounts;

namespace Foundation.Auth.Tests.Accounts;

public class EmailAddressTests
{
    [Theory]
    [InlineData("ada@example.com", "ada@example.com")]
    [InlineData("  Ada@Example.COM  ", "ada@example.com")]
    [InlineData("\uFF41\uFF44\uFF41\uFF20\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45\uFF0E\uFF43\uFF4F\uFF4D", "ada@example.com")]
    [InlineData("ada@ｅｘａｍｐｌｅ.com", "ada@example.com")]
    [InlineData("\uFB01sh@example.com", "fish@example.com")]
    [InlineData("ada@B\u00FCcher.example", "ada@b\u00FCcher.example")]
    [InlineData("ada@xn--bcher-kva.example", "ada@b\u00FCcher.example")]
    [InlineData("ada@bu\u0308cher.example", "ada@b\u00FCcher.example")]
    public void Compatibility_forms_case_and_idn_spellings_normalise_to_one_address(string email, string normalized)
    {
        EmailAddress.Validate(email).Normalized.ShouldBe(normalized);
        EmailAddress.TryNormalize(email).ShouldBe(normalized);
    }

    [Fact]
    public void The_address_as_given_is_kept_for_display_trimmed_and_in_NFKC()
    {
        EmailAddress.Validate("  Ada@Example.com ").Email.ShouldBe("Ada@Example.com");
        EmailAddress.Validate("\uFF21da@example.com").Email.ShouldBe("Ada@example.com");
    }

    [Theory]
    [InlineData("ada@example.com\u200B", "U+200B (a zero-width character)")]
    [InlineData("ada\u200D@example.com", "U+200D (a zero-width character)")]
    [InlineData("\uFEFFada@example.com", "U+FEFF (a zero-width character)")]
    [InlineData("ada@exa\u00ADmple.com", "U+00AD (an invisible format character)")]
    [InlineData("ada@\u202Emoc.elpmaxe", "U+202E (a bidirectional control)")]
    [InlineData("ad\u2067a@example.com", "U+2067 (a bidirectional control)")]
    [InlineData("ada\u200F@example.com", "U+200F (a direction mark)")]
    [InlineData("ada\u0000@example.com", "U+0000 (a control character)")]
    public void Invisible_bidi_and_control_characters_are_refused_naming_the_character(string email, string named)
    {
        var ex = Should.Throw<AuthValidationException>(() => EmailAddress.Validate(email));

        ex.Field.ShouldBe("email");
        ex.Message.ShouldStartWith("The email contains " + named);
        EmailAddress.TryNormalize(email).ShouldBeNull();
    }

    [Fact]
    public void A_lone_surrogate_is_a_400_not_an_exception_from_normalisation()
    {
        var ex = Should.Throw<AuthValidationException>(() => EmailAddress.Validate("ada" + '\uD800' + "@example.com"));

        ex.Field.ShouldBe("email");
        ex.Message.ShouldContain("an unpaired surrogate");
    }

    [Theory]
    [InlineData("ada@exa_mple.com")]
    [InlineData("ada@-example.com")]
    [InlineData("ada@" + "a234567890123456789012345678901234567890123456789012345678901234" + ".com")]
    public void A_domain_that_is_not_a_host_name_is_refused(string email)
    {
        var ex = Should.Throw<AuthValidationException>(() => EmailAddress.Validate(email));

        ex.Field.ShouldBe("email");
        ex.Message.ShouldBe("The email's domain is not a valid domain name (after the @, like example.com).");
    }
}
