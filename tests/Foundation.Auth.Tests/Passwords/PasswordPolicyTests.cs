using Foundation.Auth.Passwords;

namespace Foundation.Auth.Tests.Passwords;

public class PasswordPolicyTests
{
    private static PasswordPolicy Policy(Action<PasswordOptions>? configure = null) => new(PasswordTestOptions.Create(configure));

    private static string[] Codes(PasswordPolicyResult result) => [.. result.Errors.Select(e => e.Code)];

    [Fact]
    public void A_long_uncommon_password_is_accepted()
    {
        var result = Policy().Validate("violet staircase under rain", "alice@example.com");

        result.Succeeded.ShouldBeTrue();
        result.ShouldBeSameAs(PasswordPolicyResult.Success);
    }

    [Fact]
    public void An_empty_password_is_refused_as_empty_only()
    {
        var result = Policy().Validate("", "alice@example.com");

        Codes(result).ShouldBe(["empty"]);
        result.Errors[0].Message.ShouldBe("Enter a password.");
    }

    [Fact]
    public void A_short_password_is_refused_and_the_message_says_how_long_it_is()
    {
        var result = Policy().Validate("kx7#qv!m2", null);

        Codes(result).ShouldBe(["too_short"]);
        result.Errors[0].Message.ShouldBe("Use at least 12 characters; this one has 9.");
    }

    [Fact]
    public void The_minimum_length_is_configurable()
    {
        Policy(o => o.MinimumLength = 8).Validate("kx7#qv!m2", null).Succeeded.ShouldBeTrue();
        var result = Policy(o => o.MinimumLength = 16).Validate("kx7#qv!m2kx7#qv!", null);
        result.Succeeded.ShouldBeTrue();
        Policy(o => o.MinimumLength = 16).Validate("kx7#qv!m2kx7#qv", null).Errors.Single().Message
            .ShouldBe("Use at least 16 characters; this one has 15.");
    }

    [Fact]
    public void Exactly_the_minimum_and_exactly_the_maximum_are_accepted()
    {
        Policy().Validate("kx7#qv!m2zzz", null).Succeeded.ShouldBeTrue();
        Policy().Validate(new string('k', 128), null).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void A_password_over_the_maximum_is_refused_as_too_long()
    {
        var result = Policy().Validate(new string('k', 129), null);

        Codes(result).ShouldBe(["too_long"]);
        result.Errors[0].Message.ShouldBe("Use at most 128 characters; this one has 129.");
    }

    [Fact]
    public void Length_counts_code_points_so_an_emoji_is_one_character()
    {
        // Each emoji is two UTF-16 units: 11 emoji are 22 units but 11 characters.
        var eleven = string.Concat(Enumerable.Repeat("\U0001F510", 11));
        eleven.Length.ShouldBe(22);

        Policy().Validate(eleven, null).Errors.Single().Message.ShouldBe("Use at least 12 characters; this one has 11.");
        Policy().Validate(eleven + "\U0001F511", null).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Length_is_counted_after_NFKC_so_a_decomposed_accent_is_one_character()
    {
        // "e" + COMBINING ACUTE ACCENT composes to "é": six of them are 12 UTF-16 units but 6 characters.
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 6));

        Policy().Validate(decomposed, null).Errors.Single().Message.ShouldBe("Use at least 12 characters; this one has 6.");
    }

    [Fact]
    public void Full_width_characters_are_normalised_before_the_common_list_check()
    {
        // Full-width "ｐａｓｓｗｏｒｄ" is "password" after NFKC.
        var result = Policy(o => o.MinimumLength = 8).Validate("\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44", null);

        Codes(result).ShouldBe(["common"]);
    }

    [Fact]
    public void Any_characters_are_allowed_and_no_composition_rules_apply()
    {
        Policy().Validate("all lower case words here", null).Succeeded.ShouldBeTrue();
        Policy().Validate("пароль для почты", null).Succeeded.ShouldBeTrue();
        Policy().Validate("密码是一个很长的句子吗", null).Errors.Single().Code.ShouldBe("too_short");
        Policy().Validate("   spaces   count  ", null).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("password")]
    [InlineData("PASSWORD")]
    [InlineData("Password123")]
    [InlineData("qwerty123456")]
    public void Common_passwords_are_refused_case_insensitively(string password)
    {
        var result = Policy(o => o.MinimumLength = 8).Validate(password, null);

        Codes(result).ShouldContain("common");
        result.Errors.Single(e => e.Code == "common").Message.ShouldStartWith("This password is among the 10,000 most commonly used passwords");
    }

    [Fact]
    public void A_variation_that_is_not_on_the_list_is_not_refused_as_common()
    {
        // "Password123" is on the list; "Password123!" is not. No composition or "looks weak" rules beyond the list.
        CommonPasswords.Contains("Password123").ShouldBeTrue();
        CommonPasswords.Contains("Password123!").ShouldBeFalse();

        Policy().Validate("Password123!", null).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void The_common_list_check_can_be_turned_off()
    {
        Policy(o => { o.MinimumLength = 8; o.RefuseCommonPasswords = false; }).Validate("password", null).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void The_embedded_list_has_the_10000_most_common_passwords_lower_cased_and_deduplicated()
    {
        CommonPasswords.All.Count.ShouldBe(9_913);
        CommonPasswords.All.ShouldContain("password");
        CommonPasswords.All.ShouldContain("123456");
        CommonPasswords.All.ShouldContain("qwerty");
        CommonPasswords.All.ShouldAllBe(p => p.Length > 0 && string.Equals(p, p.ToLowerInvariant(), StringComparison.Ordinal) && !p.StartsWith('#'));
    }

    [Theory]
    [InlineData("my alice.smith secret", "alice.smith@example.com")]
    [InlineData("my ALICE.Smith secret", "Alice.Smith@example.com")]
    [InlineData("my alice.smith secret", "  alice.smith@example.com  ")]
    [InlineData("bobbobbob and more", "bob@example.com")]
    [InlineData("has quoted \"x@y\" name", "\"x@y\"@example.com")]
    public void A_password_containing_the_email_local_part_is_refused(string password, string email)
    {
        var result = Policy().Validate(password, email);

        Codes(result).ShouldBe(["contains_email"]);
        result.Errors[0].Message.ShouldContain("part before the @");
    }

    [Theory]
    [InlineData("my al secret words", "al@example.com")]
    [InlineData("my example.com secret", "alice@example.com")]
    [InlineData("violet staircase under rain", null)]
    [InlineData("violet staircase under rain", "")]
    public void The_email_check_needs_a_local_part_of_three_characters_and_ignores_the_domain(string password, string? email)
    {
        Policy().Validate(password, email).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void The_email_check_compares_NFKC_forms_and_can_be_turned_off()
    {
        // The local part written in full-width letters is the same name.
        Codes(Policy().Validate("the alice password!", "\uFF41\uFF4C\uFF49\uFF43\uFF45@example.com")).ShouldBe(["contains_email"]);
        Policy(o => o.RefuseEmailLocalPart = false).Validate("the alice password!", "alice@example.com").Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Every_applicable_reason_is_reported_at_once()
    {
        var result = Policy().Validate("qwerty", "qwerty@example.com");

        Codes(result).ShouldBe(["too_short", "common", "contains_email"]);
        result.Errors.ShouldAllBe(e => !string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Too_long_and_containing_the_email_are_reported_together()
    {
        Codes(Policy().Validate("alice" + new string('z', 130), "alice@example.com")).ShouldBe(["too_long", "contains_email"]);
    }

    [Fact]
    public void A_null_password_is_a_programming_error()
    {
        Should.Throw<ArgumentNullException>(() => Policy().Validate(null!, null));
    }

    [Fact]
    public void Normalisation_is_NFKC_and_survives_lone_surrogates()
    {
        PasswordNormalization.Normalize("\uFF21\uFF22\uFF23").ShouldBe("ABC");
        PasswordNormalization.Normalize("e\u0301").ShouldBe("\u00E9");
        PasswordNormalization.Normalize("\uFB01").ShouldBe("fi");
        PasswordNormalization.Normalize("a\uD800b").ShouldBe("a\uFFFDb");
        PasswordNormalization.Normalize("\U0001F510").ShouldBe("\U0001F510");
        Should.Throw<ArgumentNullException>(() => PasswordNormalization.Normalize(null!));
    }
}
