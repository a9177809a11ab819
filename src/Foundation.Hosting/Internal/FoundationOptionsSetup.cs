using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Internal;

/// <summary>Fills in the SQLite connection string from the data directory when none is configured.</summary>
internal sealed class FoundationOptionsSetup(IHostEnvironment environment) : IPostConfigureOptions<FoundationOptions>
{
    public void PostConfigure(string? name, FoundationOptions options)
    {
        if (options.Database.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.Database.ConnectionString)
            && !string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            var file = Path.Combine(FoundationPaths.Resolve(options.DataDirectory, environment.ContentRootPath), "foundation.db");
            options.Database.ConnectionString = $"Data Source={file}";
        }
    }
}

/// <summary>Checks <c>Foundation</c> at start; each failure names its configuration key.</summary>
internal sealed class FoundationOptionsValidator(IHostEnvironment environment) : IValidateOptions<FoundationOptions>
{
    public ValidateOptionsResult Validate(string? name, FoundationOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Foundation:DataDirectory is empty; give a folder path (relative paths resolve against the content root).");
        }

        var database = options.Database;
        if (database.Provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            failures.Add("Foundation:Database:ConnectionString is required when Foundation:Database:Provider is 'PostgreSql'.");
        }
        else if (!string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            try
            {
                _ = new DbConnectionStringBuilder { ConnectionString = database.ConnectionString };
            }
            catch (ArgumentException ex)
            {
                failures.Add($"Foundation:Database:ConnectionString is not a valid connection string: {ex.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.DataProtection.ApplicationName))
        {
            failures.Add("Foundation:DataProtection:ApplicationName is empty; every instance of one app must share one name.");
        }

        if (Security.KeyRingCertificate.Problem(options.DataProtection.Certificate, environment.ContentRootPath) is { } certificate)
        {
            failures.Add(certificate);
        }

        failures.AddRange(Redis.RedisConnection.Problems(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
