namespace Foundation.Sample.Web;

/// <summary>
/// The sample's address when nothing else chooses one. A container platform says where to listen with the standard
/// settings (<c>ASPNETCORE_HTTP_PORTS</c>, which the official images set to 8080, <c>ASPNETCORE_URLS</c>); pinning
/// <c>Urls</c> in appsettings.json would override them, so the sample only fills the gap: http://localhost:5080 when none
/// of them, <c>--urls</c>, <c>Urls</c> in any configuration source nor Kestrel endpoints are set.
/// </summary>
public static class SampleUrls
{
    /// <summary>The address of the sample when nothing else is configured.</summary>
    public const string Default = "http://localhost:5080";

    /// <summary>
    /// The configuration keys that choose the addresses: <c>urls</c> (<c>ASPNETCORE_URLS</c>, <c>DOTNET_URLS</c>, <c>--urls</c>,
    /// <c>Urls</c> in appsettings), <c>http_ports</c> and <c>https_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>, <c>ASPNETCORE_HTTPS_PORTS</c>).
    /// </summary>
    private static readonly string[] s_addressKeys = ["urls", "http_ports", "https_ports"];

    /// <summary>Listens on <see cref="Default"/> unless the configuration already says where to listen.</summary>
    public static void DefaultWhenUnset(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (DefaultFor(builder.Configuration) is { } url)
        {
            builder.WebHost.UseUrls(url);
        }
    }

    /// <summary><see cref="Default"/> when <paramref name="configuration"/> chooses no address, otherwise null.</summary>
    public static string? DefaultFor(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var chosen = s_addressKeys.Any(key => !string.IsNullOrWhiteSpace(configuration[key]))
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        return chosen ? null : Default;
    }
}
