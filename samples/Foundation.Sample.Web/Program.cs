// The Foundation sample: everything Foundation offers, running with no configuration, no API keys and no
// external servers. `dotnet run --project samples/Foundation.Sample.Web` and open http://localhost:5080.
using Foundation.Sample.Web;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// http://localhost:5080, unless ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, ASPNETCORE_HTTPS_PORTS, --urls or Urls say otherwise.
SampleUrls.DefaultWhenUnset(builder);

builder.Services.AddFoundation(builder.Configuration);
builder.Services.AddOpenApi();

// Each owner, admin and member of the default tenant gets a $1-a-month LLM budget on the first run (after the migrations).
builder.Services.AddHostedService<SampleBudgets>();

var app = builder.Build();

// `dotnet run --project samples/Foundation.Sample.Web -- backup | list | verify <id|latest> | restore <id|latest>` (docs/backups.md):
// the database backups of Foundation.Storage, run with the app's own configuration instead of serving. Stop the app before a restore.
if (Foundation.Storage.Backups.BackupCommandLine.IsCommand(args))
{
    Environment.ExitCode = await Foundation.Storage.Backups.BackupCommandLine.RunAsync(app.Services, args);
    return;
}

app.UseFoundation();
app.UseStaticFiles();

app.MapFoundationEndpoints();
app.MapOpenApi();
app.MapScalarApiReference(); // /scalar/: an API reference over /openapi/v1.json, its scripts served by the app itself
app.MapGet("/", HomePage.Render).ExcludeFromDescription();
app.MapSampleApi();
app.MapSampleMail(); // /dev/mail (Development, development e-mail sink only), /reset-password, /confirm-email

app.Run();

/// <summary>The sample's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
