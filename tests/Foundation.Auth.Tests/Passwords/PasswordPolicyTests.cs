using Foundation.Auth.Passwords;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

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
        Policy().Validate(NonRepeating(128), null).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void A_password_over_the_maximum_is_refused_as_too_long()
    {
        var result = Policy().Validate(NonRepeating(129), null);

        Codes(result).ShouldBe(["too_long"]);
        result.Errors[0].Message.ShouldBe("Use at most 128 characters; this one has 129.");
    }

    [Fact]
    public void Length_counts_code_points_so_an_emoji_is_one_character()
    {
        // Each emoji is two UTF-16 units: 11 emoji are 22 units but 11 characters (different ones: a repetition is refused).
        var eleven = string.Concat(Enumerable.Range(0, 11).Select(i => char.ConvertFromUtf32(0x1F600 + (i * 7))));
        eleven.Length.ShouldBe(22);

        Policy().Validate(eleven, null).Errors.Single().Message.ShouldBe("Use at least 12 characters; this one has 11.");
        Policy().Validate(eleven + "\U0001F511", null).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Length_is_counted_after_NFKC_so_a_decomposed_accent_is_one_character()
    {
        // A vowel + COMBINING ACUTE ACCENT composes to one letter ("é"): six of them are 12 UTF-16 units but 6 characters.
        var decomposed = "e\u0301a\u0301i\u0301o\u0301u\u0301y\u0301";

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
    public void A_variation_that_is_not_on_the_list_is_refused_as_a_common_variant_not_as_common()
    {
        // "Password123" is on the list; "Password123!" is not, but it is "password" with digits and a symbol added.
        CommonPasswords.Contains("Password123").ShouldBeTrue();
        CommonPasswords.Contains("Password123!").ShouldBeFalse();

        var result = Policy().Validate("Password123!", null);
        Codes(result).ShouldBe(["common_variant"]);
        result.Errors[0].Message.ShouldContain("'password'");
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
    [InlineData("my secret is .com", "alice@example.com")]
    [InlineData("my secret is an ace", "alice@ace.example.com")]
    [InlineData("violet staircase under rain", null)]
    [InlineData("violet staircase under rain", "")]
    public void The_email_check_needs_a_local_part_of_three_characters_and_ignores_the_top_level_domain_and_short_labels(string password, string? email)
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

    [Theory]
    [InlineData("            ", "whitespace_only")]
    [InlineData("aaaaaaaaaaaa", "repetitive")]
    [InlineData("123456789012", "sequential")]
    [InlineData("abcdefghijkl", "sequential")]
    [InlineData("password1234", "common_variant")]
    [InlineData("passwordpassword", "repetitive")]
    public void The_six_weak_passwords_of_the_issue_are_refused_naming_the_rule(string password, string code)
    {
        var result = Policy().Validate(password, "ada@example.com");

        result.Succeeded.ShouldBeFalse();
        Codes(result).ShouldContain(code);
    }

    [Theory]
    [InlineData("\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000")]
    [InlineData("\t\t\t\t\t\t      ")]
    public void White_space_of_any_kind_alone_is_refused_once(string password)
    {
        var result = Policy().Validate(password, null);

        Codes(result).ShouldBe(["whitespace_only"]);
        result.Errors[0].Message.ShouldBe("This password is only spaces; use words, letters, digits or symbols too.");
    }

    [Theory]
    [InlineData("zzzzzzzzzzzzzzzz", "z")]
    [InlineData("ZzZzZzZzZzZzZzZz", "z")]
    [InlineData("abcabcabcabc", "abc")]
    [InlineData("xk7!xk7!xk7!xk7!", "xk7!")]
    [InlineData("correct horse correct horse ", "correct horse ")]
    [InlineData("\U0001F510\U0001F510\U0001F510\U0001F510\U0001F510\U0001F510\U0001F510\U0001F510\U0001F510\U0001F510\U0001F510\U0001F510", "\U0001F510")]
    public void One_repeated_unit_is_refused_as_repetitive_naming_the_unit(string password, string unit)
    {
        var result = Policy().Validate(password, null);

        Codes(result).ShouldContain("repetitive");
        result.Errors.Single(e => e.Code == "repetitive").Message.ShouldBe($"This password repeats '{unit}' over and over; choose one that is not a repetition.");
    }

    [Theory]
    [InlineData("123456789012")]
    [InlineData("987654321098")]
    [InlineData("abcdefghijkl")]
    [InlineData("ABCDEFGHIJKLMNOP")]
    [InlineData("lkjihgfedcba")]
    [InlineData("abcdefghijk!")]
    [InlineData("#abcdefghijk!")]
    [InlineData("ｑｒｓｔｕｖｗｘｙｚ12")]
    [InlineData("αβγδεζηθικλμ")]
    public void One_run_of_consecutive_characters_covering_almost_all_of_it_is_refused_as_sequential(string password)
    {
        var result = Policy().Validate(password, null);

        Codes(result).ShouldContain("sequential");
        result.Errors.Single(e => e.Code == "sequential").Message.ShouldStartWith("This password is a run of consecutive characters");
    }

    [Theory]
    [InlineData("password1234", "password")]
    [InlineData("2024dragon!!", "dragon")]
    [InlineData("!!monkey!!2025", "monkey")]
    [InlineData("Sunshine 2024", "sunshine")]
    public void A_common_password_with_digits_or_symbols_added_is_refused_naming_the_common_part(string password, string common)
    {
        var result = Policy().Validate(password, null);

        Codes(result).ShouldBe(["common_variant"]);
        result.Errors[0].Message.ShouldBe($"This password is the common password '{common}' with only digits or symbols added, a variant attackers try first; choose one that is less predictable.");
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("violet staircase under rain")]
    [InlineData("Tr0ub4dor&3 is not my password")]
    [InlineData("my 1st car was a 1998 Volvo!")]
    [InlineData("Zwölf Boxkämpfer jagen Viktor")]
    [InlineData("J'aime les crêpes au citron")]
    [InlineData("кот сидит на окне весь день")]
    [InlineData("1234 main street, apt 56")]
    [InlineData("abc-def-ghi-jkl-mno")]
    [InlineData("kx7#qv!m2zzz")]
    public void Good_long_passphrases_are_accepted(string password)
    {
        Policy().Validate(password, "ada.lovelace@example.com").ShouldBeSameAs(PasswordPolicyResult.Success);
    }

    [Theory]
    [InlineData("i love acme cloud a lot", "Acme Cloud")]
    [InlineData("ACME-CLOUD rocks forever", "Acme Cloud")]
    [InlineData("my acmecloud password is long", "acme.cloud")]
    public void A_password_containing_the_service_name_is_refused(string password, string serviceName)
    {
        var result = Policy(o => o.ServiceName = serviceName).Validate(password, null);

        Codes(result).ShouldBe(["contains_service_name"]);
        result.Errors[0].Message.ShouldBe($"This password contains the name of this service ('{serviceName}'), which attackers try first; choose one that does not.");
    }

    [Fact]
    public void The_service_name_defaults_to_the_hosts_application_name_and_short_names_are_not_checked()
    {
        var environment = new TestHostEnvironment { ApplicationName = "Orbital" };
        var policy = new PasswordPolicy(PasswordTestOptions.Create(), environment);
        Codes(policy.Validate("orbital launches at dawn", null)).ShouldBe(["contains_service_name"]);

        // The option wins over the application name.
        new PasswordPolicy(PasswordTestOptions.Create(o => o.ServiceName = "Zenith"), environment).Validate("orbital launches at dawn", null).Succeeded.ShouldBeTrue();

        // Fewer than four letters or digits: not checked (every password containing "ab" would be refused).
        Policy(o => o.ServiceName = "A.B").Validate("about a big cabin by the lake", null).Succeeded.ShouldBeTrue();
        Policy().Validate("orbital launches at dawn", null).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("lovelace wrote the first program", "ada.lovelace@example.com", "lovelace")]
    [InlineData("my analytical engine rocks", "ada@analytical.engine.org", "analytical")]
    [InlineData("WONDERLAND is where i live", "alice@mail.wonderland.co.uk", "wonderland")]
    public void A_password_containing_a_word_of_the_email_or_a_domain_label_is_refused_naming_it(string password, string email, string part)
    {
        var result = Policy().Validate(password, email);

        Codes(result).ShouldBe(["contains_email"]);
        result.Errors[0].Message.ShouldBe($"This password contains '{part}' from your email address; choose one that does not.");
    }

    [Fact]
    public void The_new_rules_can_be_turned_off()
    {
        Policy(o => o.RefuseRepetitiveAndSequential = false).Validate("abcdefghijkl", null).Succeeded.ShouldBeTrue();
        Policy(o => o.RefuseRepetitiveAndSequential = false).Validate("passwordpassword", null).Succeeded.ShouldBeTrue();
        Policy(o => o.RefuseCommonPasswords = false).Validate("password1234", null).Succeeded.ShouldBeTrue();
        Policy(o => o.RefuseEmailLocalPart = false).Validate("my analytical engine rocks", "ada@analytical.org").Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void A_null_password_is_a_programming_error()
    {
        Should.Throw<ArgumentNullException>(() => Policy().Validate(null!, null));
    }

    private static string NonRepeating(int length) =>
        string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + ((i * i) + (i / 3)) % 26)));

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

internal sealed class TestHostEnvironment : IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Test";

    public string ApplicationName { get; set; } = "Test";

    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
