using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Infrastructure;

/// <summary>
/// Hosts <c>samples/Foundation.Sample.Web</c> in memory: its own temp data directory (deleted on dispose unless it
/// was given), the environment chosen (default Production), extra configuration that wins over the sample's
/// appsettings, and the <see cref="TestPeerStartupFilter"/> so requests can pretend to come from any peer.
/// </summary>
public sealed class SampleAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly TempDirectory? _ownedDirectory;

    public SampleAppFactory(
        IReadOnlyDictionary<string, string?>? settings = null,
        string environment = "Production",
        string? dataDirectory = null)
    {
        Environment = environment;
        if (dataDirectory is null)
        {
            _ownedDirectory = new TempDirectory();
            dataDirectory = _ownedDirectory.Path;
        }

        DataDirectory = dataDirectory;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Foundation:DataDirectory"] = DataDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string Environment { get; }

    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // Added last, so these values win over the sample's appsettings*.json and environment variables.
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, TestPeerStartupFilter>());
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing)
            {
                _ownedDirectory?.Dispose();
            }
        }
    }
}
