using System.Net;
using System.Net.Http.Json;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>
/// Over HTTP (sample host, SQLite): an e-mail cannot be registered twice by hiding a character in it or writing it in
/// full-width forms, weak passwords are refused naming the rule, and names people read refuse invisible characters.
/// </summary>
public sealed class LookalikeAndWeakCredentialTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly AuthTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_zero_width_or_bidi_character_cannot_make_a_second_account_of_one_address()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "ada@example.com", Password);

        foreach (var lookalike in new[] { "ada@example.com\u200B", "ada\u200C@example.com", "\u2066ada@example.com\u2069", "ada@example.com\uFEFF" })
        {
            using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = lookalike, password = Password });
            var problem = await response.ShouldBeProblemAsync(400);
            problem.Text("field").ShouldBe("email");
            problem.GetProperty("errors").GetProperty("email")[0].GetString()!.ShouldStartWith("The email contains U+");
        }

        _host.Audit.Events.Count(e => e.Action == "auth.user.registered").ShouldBe(1);
    }

    [Fact]
    public async Task Full_width_and_case_variants_are_the_same_account_for_registration_and_login()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "ada@example.com", Password);

        foreach (var variant in new[] { "\uFF41\uFF44\uFF41\uFF20\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45\uFF0E\uFF43\uFF4F\uFF4D", "ADA@EXAMPLE.COM", " ada@Example.com " })
        {
            using var again = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = variant, password = Password });
            await again.ShouldBeProblemAsync(409);
        }

        var first = await _host.LoginAsync(client, "ada@example.com", Password);
        var fullWidth = await _host.LoginAsync(client, "\uFF41\uFF44\uFF41\uFF20\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45\uFF0E\uFF43\uFF4F\uFF4D", Password);
        using var me = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", fullWidth.Text("accessToken")));
        var profile = await me.ReadJsonAsync();
        using var meFirst = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", first.Text("accessToken")));
        profile.Text("id").ShouldBe((await meFirst.ReadJsonAsync()).Text("id"));
    }

    [Theory]
    [InlineData("            ", "whitespace_only")]
    [InlineData("aaaaaaaaaaaa", "repetitive")]
    [InlineData("123456789012", "sequential")]
    [InlineData("abcdefghijkl", "sequential")]
    [InlineData("password1234", "common_variant")]
    [InlineData("passwordpassword", "repetitive")]
    [InlineData("grace hopper was a genius", "contains_email")]
    [InlineData("i love foundation.sample.web", "contains_service_name")]
    public async Task Weak_passwords_are_400s_naming_the_field_and_the_rule_and_store_nothing(string password, string reason)
    {
        using var client = _host.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "grace.hopper@example.com", password });

        var problem = await response.ShouldBeProblemAsync(400);
        problem.Text("field").ShouldBe("password");
        problem.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldContain(reason);
        problem.GetProperty("errors").GetProperty("password").GetArrayLength().ShouldBeGreaterThan(0);
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "grace.hopper@example.com", password });
        login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Api_key_and_trusted_device_names_with_invisible_characters_are_400s_naming_the_field()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "names@example.com", Password);
        var access = (await _host.LoginAsync(client, "names@example.com", Password)).Text("accessToken");

        using var key = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/api-keys", access, new { name = "deploy\u202Egpj.exe" }));
        var problem = await key.ShouldBeProblemAsync(400);
        problem.Text("field").ShouldBe("name");
        problem.Text("detail").ShouldStartWith("The name contains U+202E (a bidirectional control) at position 7");

        using var device = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = "x", code = "123456", rememberDevice = true, deviceName = "laptop\u200B" });
        (await device.ShouldBeProblemAsync(400)).Text("field").ShouldBe("deviceName");
    }
}
