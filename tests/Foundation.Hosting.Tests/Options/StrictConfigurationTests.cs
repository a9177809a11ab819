using System.Text.RegularExpressions;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Llm.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Tests.Options;

/// <summary>
/// Every key under <c>Foundation</c> is checked against the options type that reads it: a value the configuration
/// binder would drop or misread (an unknown key, an enum value that is not a name, a number that is not a number)
/// fails the start with a message naming the full key and what is allowed. The cases are generated from the options
/// types by <see cref="OptionsTree"/>, so a property added tomorrow is covered without editing this class.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed partial class StrictConfigurationTests
{
    public static TheoryData<string, string, string[]> BadValues()
    {
        var data = new TheoryData<string, string, string[]>();
        foreach (var node in OptionsTree.All().Where(n => n.Kind == OptionsTree.Kind.Scalar))
        {
            if (OptionsTree.BadValue(node.Type) is { } bad)
            {
                data.Add(node.Path, bad.Value, bad.Expected);
            }
        }

        return data;
    }

    public static TheoryData<string, string[]> UnknownKeys()
    {
        var data = new TheoryData<string, string[]>();
        foreach (var node in OptionsTree.All().Where(n => n.Kind == OptionsTree.Kind.Object))
        {
            var known = node.Type.GetProperties().Where(p => p.GetMethod!.IsPublic).Select(p => p.Name).ToArray();
            data.Add(node.Path, known);
        }

        return data;
    }

    public static TheoryData<string> Lists() => Paths(OptionsTree.Kind.List);

    public static TheoryData<string> Dictionaries() => Paths(OptionsTree.Kind.Dictionary);

    [Fact]
    public void The_generated_cases_cover_every_options_class_and_the_keys_of_the_issue()
    {
        var roots = OptionsTree.Roots().Select(r => r.Path).ToList();
        roots.ShouldBe(
            [
                "Foundation", "Foundation:Audit", "Foundation:Auth", "Foundation:Auth:Totp", "Foundation:Costing", "Foundation:Hosting",
                "Foundation:Hosting:Metrics", "Foundation:Llm", "Foundation:Llm:Demo", "Foundation:Llm:ProviderKeys",
                "Foundation:Storage", "Foundation:FeatureFlags", "Foundation:Email",
            ],
            ignoreOrder: true);

        var bad = BadValues().Select(row => (string)row[0]).ToList();
        bad.ShouldContain("Foundation:Llm:Models:sample:Strategy");
        bad.ShouldContain("Foundation:Llm:Providers:sample:Type");
        bad.ShouldContain("Foundation:Auth:Totp:Algorithm");
        bad.ShouldContain("Foundation:Database:Provider");
        bad.ShouldContain("Foundation:Costing:Prices:sample:sample:EffectiveFrom");
        bad.ShouldContain("Foundation:Llm:Models:sample:Deployments:0:Weight");
        bad.Count.ShouldBeGreaterThan(100);
        foreach (var root in OptionsTree.Roots())
        {
            bad.ShouldContain(path => path.StartsWith(root.Path + ":", StringComparison.Ordinal), $"no bad value generated for {root.Type}");
        }
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_value_that_is_not_of_its_type_fails_the_start_naming_the_key_and_what_is_allowed(string key, string value, string[] expected)
    {
        var failure = StrictFailure(new() { [key] = value });

        failure.ShouldStartWith($"{key} is '{value}'", Case.Sensitive);
        foreach (var fragment in expected)
        {
            failure.ShouldContain(fragment, Case.Sensitive);
        }
    }

    [Theory]
    [MemberData(nameof(UnknownKeys))]
    public void An_unknown_key_fails_the_start_naming_it_and_the_keys_that_exist(string section, string[] known)
    {
        var key = $"{section}:Unheardof";

        var failure = StrictFailure(new() { [key] = "1" });

        failure.ShouldStartWith($"{key} is not a known key; the keys under {section} are ", Case.Sensitive);
        foreach (var name in known)
        {
            failure.ShouldContain(name, Case.Sensitive);
        }
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void A_list_entry_must_be_numbered_and_a_list_is_not_one_value(string list)
    {
        StrictFailure(new() { [$"{list}:first"] = "x" })
            .ShouldStartWith($"{list}:first is not a list entry: {list} is a list, whose entries are numbered {list}:0", Case.Sensitive);
        StrictFailure(new() { [list] = "a,b" })
            .ShouldStartWith($"{list} is 'a,b', but it is a list, not a value", Case.Sensitive);
    }

    [Theory]
    [MemberData(nameof(Dictionaries))]
    public void A_set_of_named_entries_is_not_one_value(string dictionary)
    {
        StrictFailure(new() { [dictionary] = "x" })
            .ShouldStartWith($"{dictionary} is 'x', but it is a set of named entries", Case.Sensitive);
    }

    [Fact]
    public void A_typo_is_answered_with_the_key_it_probably_meant()
    {
        var failure = StrictFailure(new() { ["Foundation:Llm:Models:chat:Strategyy"] = "Priority" });

        failure.ShouldBe(
            "Foundation:Llm:Models:chat:Strategyy is not a known key; the keys under Foundation:Llm:Models:chat are Strategy, Deployments, "
            + "ContextWindowFallback, ContentPolicyFallback. Did you mean Foundation:Llm:Models:chat:Strategy?");
    }

    [Fact]
    public void An_empty_number_a_number_with_sub_keys_and_an_enum_number_fail_too()
    {
        StrictFailure(new() { ["Foundation:Auth:Lockout:MaxFailedAttempts"] = string.Empty })
            .ShouldBe("Foundation:Auth:Lockout:MaxFailedAttempts is empty; it must be a whole number from -2147483648 to 2147483647. Remove the key to keep the default.");
        StrictFailure(new() { ["Foundation:Auth:Lockout:MaxFailedAttempts:value"] = "5" })
            .ShouldStartWith("Foundation:Auth:Lockout:MaxFailedAttempts is one value (a whole number", Case.Sensitive);

        // The binder would read "99" as an undefined RoutingStrategy and "2" as RoundRobin; names only.
        StrictFailure(new() { ["Foundation:Llm:Models:chat:Strategy"] = "2" })
            .ShouldStartWith("Foundation:Llm:Models:chat:Strategy is '2'; allowed values: Priority,", Case.Sensitive);
    }

    [Fact]
    public void A_section_of_a_package_that_is_not_under_Foundation_is_refused_at_the_root()
    {
        var failure = StrictFailure(new() { ["Foundation:Costs:TimeZone"] = "UTC" });

        failure.ShouldStartWith("Foundation:Costs is not a known key; the keys under Foundation are DataDirectory, Database, DataProtection, Redis, Hosting, Auth, Llm, Costing, Audit, Storage, FeatureFlags, Email.", Case.Sensitive);
        failure.ShouldEndWith("Did you mean Foundation:Costing?", Case.Sensitive);
    }

    [Fact]
    public void Every_key_set_to_a_value_of_its_type_passes_the_check()
    {
        var settings = OptionsTree.All()
            .Where(n => n.Kind == OptionsTree.Kind.Scalar)
            .ToDictionary(n => n.Path, n => (string?)OptionsTree.GoodValue(n.Type), StringComparer.OrdinalIgnoreCase);
        settings.Count.ShouldBeGreaterThan(150);

        StrictFailures(settings).ShouldBeEmpty();
    }

    [Fact]
    public void Every_key_named_in_docs_configuration_md_is_read_by_an_options_class_and_passes_the_check()
    {
        var keys = DocumentedKeys();
        keys.Count.ShouldBeGreaterThan(150);
        keys.ShouldContain("Foundation:Llm:Models:sample:Strategy");
        keys.ShouldContain("Foundation:Llm:Models:sample:Deployments:0:Tpm");
        keys.ShouldContain("Foundation:Hosting:RateLimiting:General:WindowSeconds");
        keys.ShouldContain("Foundation:Llm:ProviderKeys:AllowedHosts:0");

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var unread = new List<string>();
        foreach (var key in keys)
        {
            if (OptionsTree.TypeAt(key) is { } type)
            {
                settings[key] = OptionsTree.GoodValue(type);
            }
            else
            {
                unread.Add(key);
            }
        }

        unread.ShouldBeEmpty("docs/configuration.md names keys that no options class reads");
        StrictFailures(settings).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("appsettings.Development.json")]
    public void The_samples_appsettings_pass_every_check(string file)
    {
        using var data = new TempDirectory();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot(), "samples", "Foundation.Sample.Web", file), optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Foundation:DataDirectory"] = data.Path })
            .Build();
        using var provider = OptionsTree.NewServices(configuration, data.Path).BuildServiceProvider();

        Should.NotThrow(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public async Task The_issue_case_an_unknown_strategy_fails_the_start_instead_of_losing_the_alias()
    {
        var exception = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(o =>
        {
            o.Settings["Foundation:Llm:Providers:local:Type"] = "OpenAICompatible";
            o.Settings["Foundation:Llm:Providers:local:BaseUrl"] = "http://127.0.0.1:11434/v1";
            o.Settings["Foundation:Llm:Models:chat:Strategy"] = "Fastest";
            o.Settings["Foundation:Llm:Models:chat:Deployments:0:Provider"] = "local";
            o.Settings["Foundation:Llm:Models:chat:Deployments:0:Model"] = "llama3";
        }));

        exception.OptionsType.ShouldBe(typeof(LlmRoutingOptions));
        exception.Failures.ShouldBe(
        [
            "Foundation:Llm:Models:chat:Strategy is 'Fastest'; allowed values: Priority, WeightedRandom, RoundRobin, LeastInFlight, "
            + "LowestLatency, UsageBased, LowestCost (case-insensitive).",
        ]);
    }

    [Fact]
    public async Task The_issue_case_a_misspelt_provider_type_is_named_not_the_deployment_that_uses_it()
    {
        var exception = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(o =>
        {
            o.Settings["Foundation:Llm:Providers:x:Type"] = "OpenAI-Compatible";
            o.Settings["Foundation:Llm:Providers:x:BaseUrl"] = "http://127.0.0.1:11434/v1";
            o.Settings["Foundation:Llm:Models:chat:Deployments:0:Provider"] = "x";
            o.Settings["Foundation:Llm:Models:chat:Deployments:0:Model"] = "llama3";
        }));

        exception.Failures.ShouldBe(
        [
            "Foundation:Llm:Providers:x:Type is 'OpenAI-Compatible'; allowed values: OpenAI, AzureOpenAI, OpenAICompatible, Anthropic (case-insensitive).",
        ]);
        exception.Message.ShouldNotContain("Deployments:0:Provider");
    }

    [Fact]
    public void The_sample_refuses_to_start_on_an_unknown_key()
    {
        var factory = new SampleAppFactory(new Dictionary<string, string?> { ["Foundation:Hosting:RateLimiting:Api:PermitLimt"] = "5" });
        try
        {
            var exception = Should.Throw<Exception>(() => factory.CreateClient());

            exception.AllMessages().ShouldContain(
                "Foundation:Hosting:RateLimiting:Api:PermitLimt is not a known key; the keys under Foundation:Hosting:RateLimiting:Api are PermitLimit, WindowSeconds. "
                + "Did you mean Foundation:Hosting:RateLimiting:Api:PermitLimit?",
                Case.Sensitive);
        }
        finally
        {
            try
            {
                factory.Dispose();
            }
            catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or AggregateException or ObjectDisposedException)
            {
                // A host that never started may fail to stop; not what this test is about.
            }
        }
    }

    [Fact]
    public async Task Names_are_read_case_insensitively_as_the_binder_reads_them()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Settings["foundation:llm:providers:local:type"] = "openaicompatible";
            o.Settings["Foundation:Llm:Providers:local:BASEURL"] = "http://127.0.0.1:11434/v1";
            o.Settings["Foundation:Llm:Models:chat:strategy"] = "roundrobin";
            o.Settings["Foundation:Llm:Models:chat:Deployments:0:Provider"] = "local";
            o.Settings["Foundation:Llm:Models:chat:Deployments:0:Model"] = "llama3";
        });

        var options = app.Services.GetRequiredService<IOptions<LlmRoutingOptions>>().Value;
        options.Models["chat"].Strategy.ShouldBe(RoutingStrategy.RoundRobin);
        options.Providers["local"].Type.ShouldBe(Foundation.Llm.Routing.Providers.LlmProviderType.OpenAICompatible);
    }

    [Theory]
    [InlineData("auth", "Foundation:Auth:Lockout:MaxFailedAttemps", "Foundation:Auth:Lockout:MaxFailedAttemps is not a known key")]
    [InlineData("totp", "Foundation:Auth:Totp:Algorithm", "Foundation:Auth:Totp:Algorithm is 'Fastest-Possible'; allowed values: Sha1, Sha256, Sha512")]
    [InlineData("costing", "Foundation:Costing:Ledger:Capacity", "Foundation:Costing:Ledger:Capacity is 'Fastest-Possible', which is not a whole number")]
    [InlineData("llm", "Foundation:Llm:Resilience:MaxDelay", "Foundation:Llm:Resilience:MaxDelay is 'Fastest-Possible', which is not a time span")]
    [InlineData("keys", "Foundation:Llm:ProviderKeys:AllowPrivateNetworkBaseUrls", "Foundation:Llm:ProviderKeys:AllowPrivateNetworkBaseUrls is 'Fastest-Possible', which is not true or false")]
    public void Each_package_checks_its_section_on_its_own(string package, string key, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = "Fastest-Possible" }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ApplicationName = "Tests", ContentRootPath = Path.GetTempPath() });
        _ = package switch
        {
            "auth" => (object)services.AddFoundationAuth(configuration),
            "totp" => services.AddFoundationTotp(configuration),
            "costing" => services.AddFoundationCosting(configuration),
            "llm" => services.AddFoundationLlmRouting(configuration),
            _ => services.AddFoundationLlmProviderKeys(configuration),
        };
        using var provider = services.BuildServiceProvider();

        var exception = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        exception.Failures.ShouldHaveSingleItem().ShouldStartWith(expected, Case.Sensitive);
    }

    /// <summary>The single failure the strict check reports for <paramref name="settings"/>.</summary>
    private static string StrictFailure(Dictionary<string, string?> settings)
    {
        var failures = StrictFailures(settings);
        failures.Count.ShouldBe(1, string.Join(Environment.NewLine, failures));
        return failures[0];
    }

    /// <summary>
    /// The failures of the strict check when AddFoundation's options are validated as the host does at start
    /// (<see cref="IStartupValidator"/>). Failures of the other validators (a range, a missing provider) are left out:
    /// the strict check throws before binding, from <c>StrictConfiguration</c>, which the stack trace shows.
    /// </summary>
    private static List<string> StrictFailures(Dictionary<string, string?> settings)
    {
        using var data = new TempDirectory();
        settings["Foundation:DataDirectory"] = data.Path;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = OptionsTree.NewServices(configuration, data.Path).BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. Strict([ex])];
        }
        catch (AggregateException ex)
        {
            return [.. Strict(ex.InnerExceptions.Cast<OptionsValidationException>())];
        }
    }

    private static IEnumerable<string> Strict(IEnumerable<OptionsValidationException> exceptions) =>
        exceptions.Where(e => e.StackTrace?.Contains("Foundation.Configuration.StrictConfiguration", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Failures);

    private static TheoryData<string> Paths(OptionsTree.Kind kind)
    {
        var data = new TheoryData<string>();
        foreach (var node in OptionsTree.All().Where(n => n.Kind == kind))
        {
            data.Add(node.Path);
        }

        return data;
    }

    /// <summary>
    /// The keys of the tables of docs/configuration.md, placeholders filled in: <c>{n}</c> and <c>0..n</c> become 0,
    /// any other <c>{name}</c> the sample entry name. A section heading (<c>## Foundation:Auth</c>) prefixes relative keys;
    /// a short second key in a cell (<c>`...:Rpm` / `Tpm`</c>) replaces the end of the first.
    /// </summary>
    private static List<string> DocumentedKeys()
    {
        var keys = new List<string>();
        var prefix = "Foundation";
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot(), "docs", "configuration.md")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                prefix = HeadingKey().Match(line).Groups["key"].Value;
                continue;
            }

            if (!line.StartsWith("| `", StringComparison.Ordinal) || prefix.Length == 0)
            {
                continue;
            }

            var cell = line.Split('|')[1];
            string[]? first = null;
            foreach (Match token in Backticked().Matches(cell))
            {
                var text = token.Groups[1].Value;
                if (text.Contains("...", StringComparison.Ordinal) || EnvironmentVariable().IsMatch(text))
                {
                    continue;
                }

                var segments = Placeholder().Replace(text.Replace("0..n", "{n}", StringComparison.Ordinal), m => m.Value == "{n}" ? "0" : OptionsTree.EntryName)
                    .Split(':');
                if (!text.StartsWith("Foundation", StringComparison.Ordinal))
                {
                    segments = [.. prefix.Split(':'), .. segments];
                }

                if (first is not null && segments.Length < first.Length)
                {
                    segments = [.. first[..(first.Length - segments.Length + prefix.Split(':').Length)], .. segments[prefix.Split(':').Length..]];
                }

                first ??= segments;
                keys.Add(string.Join(':', segments));
            }
        }

        return keys;
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

        throw new InvalidOperationException("The repository root (Foundation.sln) is not above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^## (?<key>Foundation(:[A-Za-z]+)*)")]
    private static partial Regex HeadingKey();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[A-Z][A-Z0-9_]+$")]
    private static partial Regex EnvironmentVariable();
}
