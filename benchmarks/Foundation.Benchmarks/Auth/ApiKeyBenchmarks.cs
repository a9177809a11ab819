using BenchmarkDotNet.Attributes;
using Foundation.Auth.ApiKeys;
using Foundation.Auth.Authentication;
using Foundation.Auth.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Benchmarks.Auth;

/// <summary>
/// API-key authentication end to end on SQLite (a file in a temp directory), as a request pays for it: a DI scope,
/// a pooled AuthDbContext, the key+owner query, the constant-time hash check and the use-count UPDATE. Against a
/// wrong secret (query and hash, no UPDATE) and a malformed key (refused before the database). SQLite's default
/// rollback journal and WAL are compared, since the UPDATE's commit dominates.
/// </summary>
[MemoryDiagnoser]
public class ApiKeyBenchmarks
{
    private string _directory = null!;
    private ServiceProvider _services = null!;
    private string _key = null!;
    private string _wrongSecret = null!;

    /// <summary>The SQLite journal mode of the database file.</summary>
    [Params("delete", "wal")]
    public string JournalMode { get; set; } = "delete";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "foundation-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var connectionString = $"Data Source={Path.Combine(_directory, "auth.db")}";

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFoundationAuth().UseSqlite(connectionString);
        _services = services.BuildServiceProvider();

        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw(JournalMode == "wal" ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE");
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(), TenantId = "bench", Email = "bench@example.com", NormalizedEmail = "bench@example.com",
            PasswordHash = "x", Roles = "admin member", SecurityStamp = "s", CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Users.Add(user);
        db.SaveChanges();
        var created = scope.ServiceProvider.GetRequiredService<ApiKeyService>()
            .CreateAsync(user.Id, "bench", "bench", ["llm:chat", "costs.read"]).GetAwaiter().GetResult();
        _key = created.FullKey;
        _wrongSecret = _key[..^2] + (_key[^2] == 'A' ? "BB" : "AA");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task<bool> Valid_key() => await AuthenticateAsync(_key);

    [Benchmark]
    public async Task<bool> Wrong_secret() => await AuthenticateAsync(_wrongSecret);

    [Benchmark]
    public async Task<bool> Malformed_key() => await AuthenticateAsync("fnd_a_b_c");

    private async Task<bool> AuthenticateAsync(string key)
    {
        await using var scope = _services.CreateAsyncScope();
        var check = await scope.ServiceProvider.GetRequiredService<IApiKeyAuthenticator>().AuthenticateAsync(key);
        return check.Succeeded;
    }
}
