namespace Foundation.Packaging.Tests.Infrastructure;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the test assembly that holds Foundation.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Foundation.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Foundation.sln.");
    }
}
