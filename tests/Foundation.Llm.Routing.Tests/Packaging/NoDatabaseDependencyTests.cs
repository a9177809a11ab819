using System.Text.Json;
using System.Xml.Linq;

namespace Foundation.Llm.Routing.Tests.Packaging;

/// <summary>
/// Foundation.Llm.Routing stands alone without a database: neither the project, nor the built assembly, nor what a consumer
/// restores with it (this test project references it alone) brings EF Core, Npgsql or SQLite. The provider-key store that needs
/// them lives in Foundation.Llm.ProviderKeys.
/// </summary>
public sealed class NoDatabaseDependencyTests
{
    private static readonly string[] DatabasePackages = ["Microsoft.EntityFrameworkCore", "Npgsql", "SQLitePCLRaw", "Microsoft.Data.Sqlite"];

    [Fact]
    public void The_project_references_no_database_package()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Foundation.Llm.Routing", "Foundation.Llm.Routing.csproj"));
        var packages = project.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include") ?? string.Empty).ToArray();
        packages.ShouldNotBeEmpty();
        packages.ShouldContain("Polly.Core");
        packages.Where(IsDatabase).ShouldBeEmpty();
    }

    [Fact]
    public void The_built_assembly_references_no_database_assembly()
    {
        var references = typeof(LlmRouter).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToArray();
        references.ShouldContain("Polly.Core");
        references.Where(IsDatabase).ShouldBeEmpty();
    }

    [Fact]
    public void What_a_consumer_restores_with_it_holds_no_database_library()
    {
        var deps = Path.Combine(AppContext.BaseDirectory, "Foundation.Llm.Routing.Tests.deps.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(deps));
        var libraries = document.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToArray();
        libraries.ShouldContain("Foundation.Llm.Routing");
        libraries.ShouldContain("Polly.Core");
        libraries.Where(IsDatabase).ShouldBeEmpty();
    }

    private static bool IsDatabase(string name) =>
        DatabasePackages.Any(p => name.Equals(p, StringComparison.OrdinalIgnoreCase) || name.StartsWith(p + ".", StringComparison.OrdinalIgnoreCase));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Foundation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Foundation.sln above {AppContext.BaseDirectory}.");
    }
}
