using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Foundation.Auth.Passwords;

namespace Foundation.Auth.Tests.Passwords;

/// <summary>
/// Our bcrypt verification (BCrypt.Net-Next behind our format checks) against an independent implementation: npm bcryptjs 3.0.3 (pinned in eng/node) makes hashes inside the
/// test, with fresh random salts, for passwords around the 72-byte limit, Unicode, the empty password, costs 4 and 5 and
/// the three prefixes; every one must verify here and a wrong password must not. Needs node and <c>npm ci</c> in
/// eng/node, which ./eng/test.sh does; without them this test fails, it does not skip.
/// </summary>
public class BcryptNodeCrossCheckTests
{
    private const string Script = """
        const bcrypt = require(process.argv[2]);
        const fs = require("fs");
        const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
        const out = cases.map(c => {
          const setting = "$2" + c.minor + "$" + bcrypt.genSaltSync(c.cost).slice(4);
          return { password: c.password, hash: bcrypt.hashSync(c.password, setting) };
        });
        process.stdout.write(JSON.stringify(out));
        """;

    private sealed record Case(string Password, string Minor, int Cost);

    private sealed record Hashed(string Password, string Hash);

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private static readonly string[] s_passwords =
    [
        "correct horse battery staple",
        "",
        "U*U",
        "pässwörd €uro",
        "パスワード\U0001F510 ключ",
        new string('a', 71),
        new string('b', 72),
        new string('c', 73),
        new string('d', 71) + "\u00e9", // 73 bytes: é's two bytes straddle the 72-byte limit
        new string('e', 70) + "\U0001F600", // 74 bytes: the emoji's four bytes straddle it
        "tab\tnewline\nquote\"backslash\\",
        "nul\0inside", // hashed as a byte by bcryptjs; C implementations would stop at it
    ];

    [Fact]
    public void Hashes_made_by_bcryptjs_verify_and_wrong_passwords_do_not()
    {
        var cases = (from password in s_passwords
                     from minor in new[] { "a", "b", "y" }
                     from cost in new[] { 4, 5 }
                     select new Case(password, minor, cost)).ToList();

        var hashed = RunBcryptjs(cases);

        hashed.Count.ShouldBe(cases.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            var (password, hash) = (hashed[i].Password, hashed[i].Hash);
            password.ShouldBe(cases[i].Password, "bcryptjs must get the password through JSON unchanged");
            hash.ShouldStartWith($"$2{cases[i].Minor}$0{cases[i].Cost}$");
            hash.Length.ShouldBe(60);

            ImportedPasswordHashes.VerifyBcrypt(password, hash).ShouldBeTrue($"bcryptjs hash {hash} of {Describe(password)} does not verify");
            ImportedPasswordHashes.VerifyBcrypt("x" + password, hash).ShouldBeFalse($"a wrong password verified against {hash}");
            if (Encoding.UTF8.GetByteCount(password) > 72)
            {
                // Only the first 72 bytes count: changing what follows them changes nothing.
                var changed = ChangeAfterByte72(password);
                changed.ShouldNotBe(password);
                ImportedPasswordHashes.VerifyBcrypt(changed, hash).ShouldBeTrue($"bytes after the 72nd counted for {hash}");
            }
        }
    }

    [Fact]
    public void A_bcryptjs_hash_verifies_through_the_hasher_as_given_or_as_NFKC_and_asks_for_a_rehash()
    {
        // The old Node system hashed "pass word" and "cafe\u0301" as typed.
        var hashed = RunBcryptjs([new Case("pass word", "b", 4), new Case("cafe\u0301 au lait", "b", 4)]);
        var hasher = new Pbkdf2PasswordHasher(PasswordTestOptions.Create());

        // Full-width "ｐａｓｓ ｗｏｒｄ" is "pass word" only after NFKC: the second attempt matches.
        hasher.Verify(hashed[0].Hash, "\uFF50\uFF41\uFF53\uFF53 \uFF57\uFF4F\uFF52\uFF44").ShouldBe(PasswordVerification.SuccessRehashNeeded);
        hasher.Verify(hashed[0].Hash, "pass word").ShouldBe(PasswordVerification.SuccessRehashNeeded);
        hasher.Verify(hashed[0].Hash, "pass words").ShouldBe(PasswordVerification.Failed);

        // The decomposed form as typed matches at once; its NFKC form "café" does not, since bcrypt hashed the bytes.
        hasher.Verify(hashed[1].Hash, "cafe\u0301 au lait").ShouldBe(PasswordVerification.SuccessRehashNeeded);
        hasher.Verify(hashed[1].Hash, "caf\u00e9 au lait").ShouldBe(PasswordVerification.Failed);
    }

    /// <summary>
    /// A password with the same first 72 UTF-8 bytes and different bytes after them. Passwords are strings, so when a
    /// character straddles byte 72 its last byte is changed (to another valid character with the same leading bytes).
    /// </summary>
    private static string ChangeAfterByte72(string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        var rest = new List<byte>();
        for (var i = 72; i < bytes.Length && (bytes[i] & 0xC0) == 0x80; i++)
        {
            rest.Add(bytes[i]);
        }

        if (rest.Count > 0)
        {
            rest[^1] ^= 1;
        }

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        byte[] changed = [.. bytes.AsSpan(0, 72), .. rest, .. "anything"u8];
        return strict.GetString(changed);
    }

    private static string Describe(string password) =>
        $"\"{password}\" ({password.Length} chars, {Encoding.UTF8.GetByteCount(password)} UTF-8 bytes)";

    private static List<Hashed> RunBcryptjs(IReadOnlyList<Case> cases)
    {
        var root = RepositoryRoot();
        var bcryptjs = Path.Combine(root, "eng", "node", "node_modules", "bcryptjs");
        if (!File.Exists(Path.Combine(bcryptjs, "package.json")))
        {
            Assert.Fail($"npm bcryptjs is not installed at {bcryptjs}: run ./eng/test.sh (it runs `npm ci` in eng/node), or `npm ci` in eng/node.");
        }

        var directory = Directory.CreateTempSubdirectory("foundation-bcryptjs-");
        try
        {
            var scriptPath = Path.Combine(directory.FullName, "hash.cjs");
            var casesPath = Path.Combine(directory.FullName, "cases.json");
            File.WriteAllText(scriptPath, Script);
            File.WriteAllText(casesPath, JsonSerializer.Serialize(cases.Select(c => new { password = c.Password, minor = c.Minor, cost = c.Cost })));

            var start = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            start.ArgumentList.Add(scriptPath);
            start.ArgumentList.Add(bcryptjs);
            start.ArgumentList.Add(casesPath);

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            }
            catch (Win32Exception e)
            {
                Assert.Fail($"node is not on PATH ({e.Message}): install Node.js and run ./eng/test.sh.");
                throw;
            }

            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
                {
                    process.Kill(entireProcessTree: true);
                    Assert.Fail("node with bcryptjs did not finish within 60 s.");
                }

                if (process.ExitCode != 0)
                {
                    Assert.Fail($"node with bcryptjs exited with {process.ExitCode}: {stderr.Result}");
                }

                return JsonSerializer.Deserialize<List<Hashed>>(stdout.Result, s_json)
                    ?? throw new InvalidOperationException("bcryptjs printed no hashes");
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Foundation.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Foundation.sln above {AppContext.BaseDirectory}.");
    }
}
