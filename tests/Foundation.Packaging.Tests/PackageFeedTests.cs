using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Foundation.Packaging.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Foundation.Packaging.Tests;

/// <summary>
/// Proves the packages work from a feed, as a consumer gets them, by following the README's "Use it" commands: packing
/// Foundation.Hosting packs every package under src/ into a temporary folder feed (with a version unique to this run, so
/// the global NuGet cache never serves an older build), the packages' contents are checked, and a brand-new web app
/// outside the repository installs Foundation.Hosting from that feed, builds, starts and answers /health/live.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class PackageFeedTests : IDisposable
{
    private const string TargetFramework = "net10.0";
    private const string ConsumerName = "MyApp";

    private const string ConsumerProgram = """
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddFoundation(builder.Configuration);
        var app = builder.Build();
        app.UseFoundation();
        app.MapFoundationEndpoints();
        app.Run();

        """;

    private static readonly TimeSpan OverallDeadline = TimeSpan.FromMinutes(9);
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CliTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _log;
    private readonly string _work;
    private readonly string _version;
    private readonly List<string> _packageIds = [];

    public PackageFeedTests(ITestOutputHelper log)
    {
        _log = log;
        _work = Path.Combine(Path.GetTempPath(), $"foundation-packtest-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_work);
        _version = $"0.1.0.{(DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000_000) + Environment.ProcessId}";
    }

    [Fact(Timeout = 10 * 60 * 1000)]
    public async Task The_readme_commands_pack_Foundation_Hosting_with_its_dependencies_and_a_new_web_app_runs_on_them()
    {
        using var deadline = new CancellationTokenSource(OverallDeadline);
        var commands = ReadmeUseItCommands();
        var consumerRoot = await CreateConsumerRootAsync(deadline.Token);
        var feed = Path.Combine(_work, "feed");

        var app = await Step("README commands", () => RunReadmeCommandsAsync(commands, feed, consumerRoot, deadline.Token));

        var projects = Directory
            .GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToArray();
        projects.ShouldNotBeEmpty("src/ holds no project to pack");
        foreach (var project in projects)
        {
            var id = Path.GetFileNameWithoutExtension(project);
            _packageIds.Add(id);
            AssertPackage(Path.Combine(feed, $"{id}.{_version}.nupkg"), id);
            AssertSymbolPackage(Path.Combine(feed, $"{id}.{_version}.snupkg"), id);
        }

        var csproj = await File.ReadAllTextAsync(Path.Combine(app, $"{ConsumerName}.csproj"), deadline.Token);
        csproj.ShouldContain($"Include=\"Foundation.Hosting\" Version=\"{_version}\"");
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ConsumerProgram, deadline.Token);
        await Step("build consumer app", () => ChildProcess.RunCheckedAsync(
            Dotnet(app, "build", "-c", "Release", "-nodeReuse:false", "--disable-build-servers"),
            CliTimeout,
            deadline.Token));
        await Step("run consumer app", () => RunAndProbeHealthAsync(app, deadline.Token));
    }

    [Fact(Timeout = 5 * 60 * 1000)]
    public async Task Packing_one_package_alone_brings_the_Foundation_packages_it_depends_on()
    {
        using var deadline = new CancellationTokenSource(PackTimeout);
        var feed = Path.Combine(_work, "feed-routing");
        await ChildProcess.RunCheckedAsync(
            Dotnet(RepositoryPaths.Root, ["pack", "src/Foundation.Llm.Routing", "-c", "Release", "-o", feed, .. PackIsolation()]),
            PackTimeout,
            deadline.Token);
        _packageIds.AddRange(["Foundation.Llm.Routing", "Foundation.Abstractions"]);

        var packed = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        packed.ShouldBe([$"Foundation.Abstractions.{_version}.nupkg", $"Foundation.Llm.Routing.{_version}.nupkg"]);
    }

    public void Dispose()
    {
        TryDelete(_work);

        // The unique version would otherwise pile up in the global packages folder run after run.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in _packageIds)
        {
            var idFolder = Path.Combine(globalPackages, id.ToLowerInvariant());
            TryDelete(Path.Combine(idFolder, _version.ToLowerInvariant()));
            if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
            {
                TryDelete(idFolder);
            }
        }
    }

    private static void AssertPackage(string path, string id)
    {
        File.Exists(path).ShouldBeTrue($"{path} was not produced");
        using var zip = ZipFile.OpenRead(path);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        var listing = string.Join(Environment.NewLine, entries.Order(StringComparer.Ordinal));
        entries.ShouldContain("README.md", $"{id}: no README.md at the package root. Entries:{Environment.NewLine}{listing}");
        entries.ShouldContain($"lib/{TargetFramework}/{id}.dll", $"{id}: no assembly. Entries:{Environment.NewLine}{listing}");
        entries.ShouldContain($"lib/{TargetFramework}/{id}.xml", $"{id}: no XML documentation. Entries:{Environment.NewLine}{listing}");

        var nuspecEntry = zip.GetEntry($"{id}.nuspec");
        nuspecEntry.ShouldNotBeNull($"{id}: no {id}.nuspec. Entries:{Environment.NewLine}{listing}");
        XDocument nuspec;
        using (var stream = nuspecEntry.Open())
        {
            nuspec = XDocument.Load(stream);
        }

        var metadata = nuspec.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "metadata");
        metadata.ShouldNotBeNull($"{id}: the nuspec has no metadata");
        string? Value(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

        var license = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "license");
        license.ShouldNotBeNull($"{id}: the nuspec has no license");
        license.Attribute("type")?.Value.ShouldBe("expression", $"{id}: the license is not an expression");
        license.Value.ShouldBe("MIT", $"{id}: the license expression");
        Value("description").ShouldNotBeNullOrWhiteSpace($"{id}: the nuspec has no description");
        Value("readme").ShouldBe("README.md", $"{id}: the nuspec's readme element");
        Value("version").ShouldNotBeNull().ShouldStartWith("0.1.0.", Case.Sensitive, $"{id}: the package version");
    }

    private static void AssertSymbolPackage(string path, string id)
    {
        File.Exists(path).ShouldBeTrue($"{path} was not produced");
        using var zip = ZipFile.OpenRead(path);
        zip.Entries.Select(e => e.FullName).ShouldContain(
            $"lib/{TargetFramework}/{id}.pdb",
            $"{id}: the symbol package has no portable PDB");
    }

    private static IEnumerable<XElement> RepositorySources()
    {
        var config = XDocument.Load(Path.Combine(RepositoryPaths.Root, "nuget.config"));
        var sources = config.Root?.Element("packageSources")?.Elements("add").ToList() ?? [];
        sources.ShouldNotBeEmpty("the repository's nuget.config names no package source");
        return sources.Select(source => new XElement(source));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind must not fail the test.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static ProcessStartInfo Dotnet(string workingDirectory, params string[] arguments) =>
        ChildProcess.StartInfo(ChildProcess.Dotnet, arguments, workingDirectory);

    /// <summary>The commands of the README's "Use it" block, in order (the test runs exactly these).</summary>
    private static List<string> ReadmeUseItCommands()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme.IndexOf("\n## Use it\n", StringComparison.Ordinal);
        section.ShouldBeGreaterThan(0, "README.md has no '## Use it' section");
        var start = readme.IndexOf("```bash\n", section, StringComparison.Ordinal);
        start.ShouldBeGreaterThan(section, "the '## Use it' section has no bash block");
        start += "```bash\n".Length;
        var end = readme.IndexOf("```", start, StringComparison.Ordinal);
        var commands = readme[start..end]
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line => line.Split("&&", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        commands.ShouldBe(
        [
            "git clone https://github.com/foundation-dotnet/foundation", "cd foundation",
            "dotnet pack src/Foundation.Hosting -c Release -o ~/foundation-feed",
            "dotnet nuget add source ~/foundation-feed --name foundation-local",
            "cd ..", "dotnet new web -n MyApp", "cd MyApp",
            "dotnet add package Foundation.Hosting",
        ],
        "The README's 'Use it' commands changed: make this test run the new ones");
        return commands;
    }

    /// <summary>
    /// Runs the README's commands in order. The clone is this checkout (CI runs on a clean clone of it); the home
    /// folder's feed is a temporary folder; `cd ..` from the clone leads to a fenced consumer folder; the NuGet
    /// configuration the source is added to is that folder's own, standing in for the user's. Added to the commands
    /// only what keeps the run isolated: a unique version and a private artifacts path for the pack, the config file,
    /// and the target framework for `dotnet new`.
    /// </summary>
    private async Task<string> RunReadmeCommandsAsync(List<string> commands, string feed, string consumerRoot, CancellationToken cancellationToken)
    {
        var directory = consumerRoot;
        foreach (var command in commands)
        {
            var words = command.Replace("~/foundation-feed", feed, StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "git":
                    directory = RepositoryPaths.Root;
                    continue;
                case "cd" when words[1] == "foundation":
                    directory.ShouldBe(RepositoryPaths.Root);
                    continue;
                case "cd" when words[1] == "..":
                    directory = directory == RepositoryPaths.Root ? consumerRoot : Path.GetDirectoryName(directory)!;
                    continue;
                case "cd":
                    directory = Path.Combine(directory, words[1]);
                    Directory.Exists(directory).ShouldBeTrue($"`{command}`: {directory} does not exist");
                    continue;
                case "dotnet":
                    break;
                default:
                    throw new ShouldAssertException($"The README runs `{command}`, which this test does not know how to follow.");
            }

            string[] extra = words[1] switch
            {
                "pack" => PackIsolation(),
                "nuget" => ["--configfile", Path.Combine(consumerRoot, "nuget.config")],
                "new" => ["--framework", TargetFramework],
                _ => [],
            };
            var result = await ChildProcess.RunCheckedAsync(Dotnet(directory, [.. words[1..], .. extra]), PackTimeout, cancellationToken);
            _log.WriteLine($"$ {command}{Environment.NewLine}{result.Output}");
        }

        return directory;
    }

    /// <summary>
    /// A private artifacts path keeps this build out of the repository's bin/ and obj/, which the rest of the test run
    /// may be using at the same time; a version unique to this run keeps the global NuGet cache from serving an older
    /// build. The version is a stable four-part one, so `dotnet add package` without a version picks it.
    /// </summary>
    private string[] PackIsolation() =>
        ["--artifacts-path", Path.Combine(_work, "pack-artifacts"), $"-p:PackageVersion={_version}", "-nodeReuse:false", "--disable-build-servers"];

    private async Task<string> CreateConsumerRootAsync(CancellationToken cancellationToken)
    {
        // Outside the repository, fenced off from anything above it: no Directory.*.props/targets of ours apply.
        var root = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(root);
        foreach (var fence in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            await File.WriteAllTextAsync(Path.Combine(root, fence), "<Project />\n", cancellationToken);
        }

        // The user's NuGet configuration: the public source(s) the repository restores from; the README adds the feed.
        var sources = new XElement("packageSources", new XElement("clear"), RepositorySources());
        var nugetConfig = new XDocument(new XElement("configuration", sources));
        await File.WriteAllTextAsync(Path.Combine(root, "nuget.config"), nugetConfig.ToString(), cancellationToken);
        return root;
    }

    private async Task RunAndProbeHealthAsync(string app, CancellationToken cancellationToken)
    {
        var output = Path.Combine(app, "bin", "Release", TargetFramework);
        var dll = Path.Combine(output, $"{ConsumerName}.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} was not built");
        var dataDirectory = Path.Combine(_work, "data");
        Directory.CreateDirectory(dataDirectory);
        var url = $"http://127.0.0.1:{FreeLoopbackPort()}";

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Foundation__DataDirectory"] = dataDirectory,
        };
        await using var server = ChildProcess.Start(
            ChildProcess.StartInfo(ChildProcess.Dotnet, [dll, "--urls", url], output, environment));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var stopwatch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (true)
        {
            if (server.Process.HasExited)
            {
                await server.Process.WaitForExitAsync(cancellationToken);
                throw new ShouldAssertException(
                    $"The consumer app exited with {server.Process.ExitCode} before /health/live answered 200. Its output:{Environment.NewLine}{server.Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"{url}/health/live"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    _log.WriteLine($"/health/live answered 200 after {stopwatch.Elapsed.TotalSeconds:F1} s");
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                last = e.Message;
            }

            if (stopwatch.Elapsed > HealthTimeout)
            {
                throw new ShouldAssertException(
                    $"GET {url}/health/live did not answer 200 within {HealthTimeout.TotalSeconds} s (last: {last}). The app's output:{Environment.NewLine}{server.Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private async Task Step(string name, Func<Task> step) => await Step(name, async () =>
    {
        await step();
        return true;
    });

    private async Task<T> Step<T>(string name, Func<Task<T>> step)
    {
        var stopwatch = Stopwatch.StartNew();
        _log.WriteLine($"[packtest] {name}: starting (version {_version})");
        try
        {
            return await step();
        }
        finally
        {
            _log.WriteLine($"[packtest] {name}: {stopwatch.Elapsed.TotalSeconds:F1} s");
        }
    }
}
