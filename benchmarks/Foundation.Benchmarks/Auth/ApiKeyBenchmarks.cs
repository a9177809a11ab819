using BenchmarkDotNet.Attributes;
using Foundation.Auth.ApiKeys;
using Foundation.Auth.Authentication;
using Foundation.Auth.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Benchmarks.Auth;

/// <summary>
/// API-key authentication on SQLite (a file in a temp directory), as a request pays for it (a DI scope, the
/// authenticator). The hot path is a key already read in the last 5 s (ApiKeyValidationCache): the constant-time
/// hash check, the expiry check, the in-memory use count (ApiKeyUsageRecorder) and the principal, with no database
/// round trip. Against a wrong secret of a cached key, a malformed key (refused before anything), the miss path (cache
/// emptied before each call: the key+owner query, no UPDATE any more), and the background flush of one key's uses
/// (one UPDATE in one transaction), whose cost is paid once per key per interval, not per request. SQLite's default
/// rollback journal and WAL are compared, since commits dominate what still touches the database.
/// </summary>
[MemoryDiagnoser]
public class ApiKeyBenchmarks
{
    private string _directory = null!;
    private ServiceProvider _services = null!;
    private string _key = null!;
    private string _wrongSecret = null!;
    private IApiKeyAuthenticator _authenticator = null!;
    private ApiKeyValidationCache _cache = null!;
    private ApiKeyUsageRecorder _recorder = null!;
    private Guid _keyRecordId;

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
        _keyRecordId = created.Key.Id;
        _authenticator = _services.GetRequiredService<IApiKeyAuthenticator>();
        _cache = _services.GetRequiredService<ApiKeyValidationCache>();
        _recorder = _services.GetRequiredService<ApiKeyUsageRecorder>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The hot path: a key read within the last 5 s, with a DI scope as a request has.</summary>
    [Benchmark(Baseline = true)]
    public async Task<bool> Valid_key_cached() => await AuthenticateAsync(_key);

    /// <summary>The same without the DI scope (the request's scope exists anyway): the authenticator's own cost.</summary>
    [Benchmark]
    public async Task<bool> Valid_key_cached_no_scope() => (await _authenticator.AuthenticateAsync(_key)).Succeeded;

    [Benchmark]
    public async Task<bool> Wrong_secret_cached() => await AuthenticateAsync(_wrongSecret);

    [Benchmark]
    public async Task<bool> Malformed_key() => await AuthenticateAsync("fnd_a_b_c");

    /// <summary>The miss path (first use, or once per 5 s per key and instance): the key+owner query.</summary>
    [Benchmark]
    public async Task<bool> Valid_key_uncached()
    {
        _cache.InvalidateAll();
        return await AuthenticateAsync(_key);
    }

    /// <summary>The background write of one key's uses: one UPDATE in one transaction, once per key per flush interval.</summary>
    [Benchmark]
    public async Task<int> Flush_one_key()
    {
        _recorder.Record(_keyRecordId, DateTimeOffset.UtcNow);
        return await _recorder.FlushAsync();
    }

    private async Task<bool> AuthenticateAsync(string key)
    {
        await using var scope = _services.CreateAsyncScope();
        var check = await scope.ServiceProvider.GetRequiredService<IApiKeyAuthenticator>().AuthenticateAsync(key);
        return check.Succeeded;
    }
}
