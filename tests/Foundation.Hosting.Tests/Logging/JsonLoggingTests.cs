using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Tests.Logging;

[Trait("Category", TestCategories.Integration)]
public sealed class JsonLoggingTests
{
    [Fact]
    public void Json_logging_selects_the_json_console_formatter_with_scopes()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?> { ["Foundation:Hosting:Logging:Json"] = "true" });

        var console = factory.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value;
        var json = factory.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        console.FormatterName.ShouldBe(ConsoleFormatterNames.Json);
        json.IncludeScopes.ShouldBeTrue();
        json.UseUtcTimestamp.ShouldBeTrue();
    }

    [Fact]
    public async Task Json_logging_works_on_a_custom_host_too()
    {
        await using var app = TestApp.Build(o => o.Settings["Foundation:Hosting:Logging:Json"] = "true");

        app.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName.ShouldBe(ConsoleFormatterNames.Json);
        app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes.ShouldBeTrue();
    }

    [Fact]
    public async Task Json_logging_honours_configuration_added_after_AddFoundation()
    {
        using var data = new TempDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = data.Path, EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Services.AddFoundation(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Foundation:DataDirectory"] = data.Path,
            ["Foundation:Hosting:Logging:Json"] = "true",
        });
        await using var app = builder.Build();

        app.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName.ShouldBe(ConsoleFormatterNames.Json);
        app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes.ShouldBeTrue();
    }

    [Fact]
    public void By_default_logs_are_not_json()
    {
        using var factory = new SampleAppFactory();

        var console = factory.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value;

        console.FormatterName.ShouldNotBe(ConsoleFormatterNames.Json);
    }
}
