namespace Foundation.Hosting.Tests.Infrastructure;

internal static class TestCategories
{
    public const string Integration = "Integration";
}
