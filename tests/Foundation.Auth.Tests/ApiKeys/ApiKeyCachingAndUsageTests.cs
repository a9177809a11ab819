using System.Data.Common;
using Foundation.Auditing;
using Foundation.Auth.Accounts;
using Foundation.Auth.ApiKeys;
using Foundation.Auth.Authentication;
using Foundation.Auth.Storage;
using Foundation.Auth.Tests.Infrastructure;
using Foundation.Auth.Tests.Tokens;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Tests.ApiKeys;

/// <summary>
/// The API-key hot path without a database write: the validation cache (hits make no round trip, the secret and the
/// expiry are still checked every time, evictions on this instance and the TTL across instances) and the usage
/// recorder (counts summed across instances, failed flushes retried, shutdown flush).
/// </summary>
public abstract class ApiKeyCachingAndUsageTests<TDatabase> : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _database;
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly CommandCounter _commands = new();
    private readonly CommandCounter _otherCommands = new();
    private ServiceProvider _services = null!;
    private ServiceProvider _other = null!;

    protected ApiKeyCachingAndUsageTests(TDatabase database) => _database = database;

    protected TDatabase Database => _database;

    protected FakeTimeProvider Time => _time;

    public Task InitializeAsync()
    {
        // Two instances of the app over one database, on one clock.
        _services = _database.BuildServices(_time, configureDb: o => o.AddInterceptors(_commands));
        _other = _database.BuildServices(_time, configureDb: o => o.AddInterceptors(_otherCommands));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task A_cached_key_makes_no_database_round_trip_until_the_ttl_passes()
    {
        var (_, _, key) = await NewKeyAsync();

        _commands.Reset();
        (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();
        _commands.Count.ShouldBe(1, "the first use reads the key and its owner in one query");

        _commands.Reset();
        for (var i = 0; i < 10; i++)
        {
            (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();
        }

        _commands.Count.ShouldBe(0, "cached: no SELECT and no UPDATE per request");

        _time.Advance(ApiKeyValidationCache.TimeToLive);
        (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();
        _commands.Count.ShouldBe(1, "read again once the 5 s have passed");
    }

    [Fact]
    public async Task An_unknown_key_id_is_refused_the_same_way_and_is_not_remembered_past_the_ttl()
    {
        var (_, _, key) = await NewKeyAsync();
        var unknown = "fnd_ZZZZZZZZZZZZ_" + key.FullKey[17..];

        _commands.Reset();
        (await AuthenticateAsync(_services, unknown)).Failure.ShouldBe(ApiKeyAuthenticator.Invalid);
        (await AuthenticateAsync(_services, unknown)).Failure.ShouldBe(ApiKeyAuthenticator.Invalid);
        _commands.Count.ShouldBe(1, "an unknown key id is remembered for the TTL too (and costs the same hash check)");

        _time.Advance(ApiKeyValidationCache.TimeToLive);
        (await AuthenticateAsync(_services, unknown)).Failure.ShouldBe(ApiKeyAuthenticator.Invalid);
        _commands.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_even_when_the_key_is_cached_and_does_not_poison_the_cache()
    {
        var (_, _, key) = await NewKeyAsync();
        var full = key.FullKey;
        var wrong = full[..^1] + (full[^1] == 'A' ? 'B' : 'A');

        // The first request of the key carries a wrong secret: the row is cached, the request is not accepted.
        (await AuthenticateAsync(_services, wrong)).Failure.ShouldBe(ApiKeyAuthenticator.Invalid);
        (await AuthenticateAsync(_services, full)).Succeeded.ShouldBeTrue();

        _commands.Reset();
        for (var i = 0; i < 3; i++)
        {
            (await AuthenticateAsync(_services, wrong)).Failure.ShouldBe(ApiKeyAuthenticator.Invalid);
            (await AuthenticateAsync(_services, full[..17] + new string('A', 43))).Failure.ShouldBe(ApiKeyAuthenticator.Invalid);
            (await AuthenticateAsync(_services, full)).Succeeded.ShouldBeTrue();
        }

        _commands.Count.ShouldBe(0);
        await FlushAsync(_services);
        (await UseCountAsync(key.Key.Id)).ShouldBe(4, "only the accepted uses count");
    }

    [Fact]
    public async Task Expiry_is_compared_with_the_clock_on_every_call_not_with_the_time_of_the_read()
    {
        var user = await _database.AddUserAsync(TestDatabase.NewTenant(), _time);
        var key = await WithKeysAsync(_services, s => s.CreateAsync(user.Id, user.TenantId, "short", expiresAt: _time.GetUtcNow().AddSeconds(2)));
        (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();

        _commands.Reset();
        _time.Advance(TimeSpan.FromSeconds(2));
        (await AuthenticateAsync(_services, key.FullKey)).Failure.ShouldBe(ApiKeyAuthenticator.Expired);
        _commands.Count.ShouldBe(0, "still within the TTL: the cached row, judged by the current time");
    }

    [Fact]
    public async Task Deactivation_and_deletion_apply_at_once_on_this_instance_and_within_the_ttl_on_another()
    {
        var (user, tenant, key) = await NewKeyAsync();
        (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();
        (await AuthenticateAsync(_other, key.FullKey)).Succeeded.ShouldBeTrue();

        (await WithKeysAsync(_services, s => s.SetActiveAsync(user.Id, tenant, key.Key.Id, false))).ShouldBeTrue();

        (await AuthenticateAsync(_services, key.FullKey)).Failure.ShouldBe(ApiKeyAuthenticator.Inactive);
        (await AuthenticateAsync(_other, key.FullKey)).Succeeded.ShouldBeTrue("the other instance reuses its read for up to 5 s: the documented trade-off");
        _time.Advance(ApiKeyValidationCache.TimeToLive - TimeSpan.FromMilliseconds(1));
        (await AuthenticateAsync(_other, key.FullKey)).Succeeded.ShouldBeTrue();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await AuthenticateAsync(_other, key.FullKey)).Failure.ShouldBe(ApiKeyAuthenticator.Inactive);

        // Reactivated on the other instance: at once there, within the TTL here (where "inactive" was just read again).
        (await AuthenticateAsync(_services, key.FullKey)).Failure.ShouldBe(ApiKeyAuthenticator.Inactive);
        (await WithKeysAsync(_other, s => s.SetActiveAsync(user.Id, tenant, key.Key.Id, true))).ShouldBeTrue();
        (await AuthenticateAsync(_other, key.FullKey)).Succeeded.ShouldBeTrue();
        (await AuthenticateAsync(_services, key.FullKey)).Failure.ShouldBe(ApiKeyAuthenticator.Inactive);
        _time.Advance(ApiKeyValidationCache.TimeToLive);
        (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();

        (await WithKeysAsync(_services, s => s.DeleteAsync(user.Id, tenant, key.Key.Id))).ShouldBeTrue();
        (await AuthenticateAsync(_services, key.FullKey)).Failure.ShouldBe(ApiKeyAuthenticator.Invalid);
        _time.Advance(ApiKeyValidationCache.TimeToLive);
        (await AuthenticateAsync(_other, key.FullKey)).Failure.ShouldBe(ApiKeyAuthenticator.Invalid);
    }

    [Fact]
    public async Task Disabling_the_owner_through_AccountService_stops_its_keys_at_once_on_this_instance()
    {
        await using var services = BuildFullServices();
        var (user, tenant, key) = await NewKeyAsync();
        (await AuthenticateAsync(services, key.FullKey)).Succeeded.ShouldBeTrue();

        await using (var scope = services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<AccountService>().SetStatusAsync(user.Id, tenant, UserStatus.Disabled, ClientInfo.None)).ShouldBeTrue();
        }

        (await AuthenticateAsync(services, key.FullKey)).Failure.ShouldBe(ApiKeyAuthenticator.OwnerDisabled);
    }

    [Fact]
    public async Task Uses_on_two_instances_are_summed_after_their_flushes_with_the_latest_use_time()
    {
        var (user, tenant, key) = await NewKeyAsync();
        for (var i = 0; i < 3; i++)
        {
            (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        var latest = _time.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            (await AuthenticateAsync(_other, key.FullKey)).Succeeded.ShouldBeTrue();
        }

        _commands.Reset();
        (await UseCountAsync(key.Key.Id)).ShouldBe(0, "nothing is written per request");
        Recorder(_services).PendingUses.ShouldBe(3);
        Recorder(_other).PendingUses.ShouldBe(5);

        // The later use is flushed first: the earlier one must not move last_used_at back.
        (await FlushAsync(_other)).ShouldBe(1);
        (await FlushAsync(_services)).ShouldBe(1);
        _commands.Count.ShouldBe(1, "one UPDATE per key with uses (the transaction itself is not a command)");

        var info = await WithKeysAsync(_services, s => s.GetAsync(user.Id, tenant, key.Key.Id));
        info!.UseCount.ShouldBe(8);
        info.LastUsedAt.ShouldBe(latest);
        Recorder(_services).PendingUses.ShouldBe(0);
        (await FlushAsync(_services)).ShouldBe(0, "nothing left to write");
    }

    [Fact]
    public async Task Concurrent_uses_during_flushes_are_all_counted_exactly_once()
    {
        var (_, _, key) = await NewKeyAsync();
        var recorder = Recorder(_services);
        var id = key.Key.Id;
        using var done = new CancellationTokenSource();

        var flusher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await recorder.FlushAsync();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                recorder.Record(id, _time.GetUtcNow());
            }
        })));
        await done.CancelAsync();
        await flusher;
        await recorder.FlushAsync();

        (await UseCountAsync(id)).ShouldBe(8_000);
    }

    [Fact]
    public async Task A_failed_flush_keeps_its_counts_and_the_next_flush_writes_them()
    {
        var (_, _, key) = await NewKeyAsync();
        (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();
        (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue();

        _commands.FailApiKeyUpdates = true;
        await Should.ThrowAsync<DbException>(() => FlushAsync(_services));
        Recorder(_services).PendingUses.ShouldBe(2);
        (await AuthenticateAsync(_services, key.FullKey)).Succeeded.ShouldBeTrue("the database failing to take counts never refuses a key");
        await Should.ThrowAsync<DbException>(() => FlushAsync(_services));
        (await UseCountAsync(key.Key.Id)).ShouldBe(0);

        _commands.FailApiKeyUpdates = false;
        (await FlushAsync(_services)).ShouldBe(1);
        (await UseCountAsync(key.Key.Id)).ShouldBe(3);
        Recorder(_services).PendingUses.ShouldBe(0);
    }

    [Fact]
    public async Task Stopping_the_host_flushes_what_is_left()
    {
        var (_, _, key) = await NewKeyAsync();
        await using var services = _database.BuildServices(_time, configure: o => o.ApiKeys.UsageFlushInterval = TimeSpan.FromMinutes(5));
        var hosted = services.GetServices<IHostedService>().OfType<ApiKeyUsageRecorder>().Single();
        hosted.ShouldBeSameAs(Recorder(services));
        await hosted.StartAsync(CancellationToken.None);

        (await AuthenticateAsync(services, key.FullKey)).Succeeded.ShouldBeTrue();
        (await AuthenticateAsync(services, key.FullKey)).Succeeded.ShouldBeTrue();
        (await UseCountAsync(key.Key.Id)).ShouldBe(0, "the interval has not passed");

        await hosted.StopAsync(CancellationToken.None);

        (await UseCountAsync(key.Key.Id)).ShouldBe(2);
    }

    [Theory]
    [InlineData("00:00:00.099")]
    [InlineData("00:05:00.001")]
    [InlineData("-00:00:01")]
    public async Task A_flush_interval_out_of_range_is_refused_naming_the_key(string interval)
    {
        await using var services = _database.BuildServices(_time, configure: o => o.ApiKeys.UsageFlushInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture));

        var ex = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuthOptions>>().Value);

        ex.Message.ShouldContain("Foundation:Auth:ApiKeys:UsageFlushInterval");
        ex.Message.ShouldContain("100 milliseconds");
    }

    [Fact]
    public async Task The_flush_interval_defaults_to_5_seconds_and_accepts_its_bounds()
    {
        _services.GetRequiredService<IOptions<AuthOptions>>().Value.ApiKeys.UsageFlushInterval.ShouldBe(TimeSpan.FromSeconds(5));
        foreach (var ok in new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5) })
        {
            await using var services = _database.BuildServices(_time, configure: o => o.ApiKeys.UsageFlushInterval = ok);
            services.GetRequiredService<IOptions<AuthOptions>>().Value.ApiKeys.UsageFlushInterval.ShouldBe(ok);
        }
    }

    protected static ApiKeyUsageRecorder Recorder(IServiceProvider services) => services.GetRequiredService<ApiKeyUsageRecorder>();

    protected static Task<int> FlushAsync(IServiceProvider services) => Recorder(services).FlushAsync();

    protected static async Task<CredentialCheck> AuthenticateAsync(IServiceProvider services, string key)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IApiKeyAuthenticator>().AuthenticateAsync(key);
    }

    protected static async Task<T> WithKeysAsync<T>(IServiceProvider services, Func<ApiKeyService, Task<T>> action)
    {
        await using var scope = services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ApiKeyService>());
    }

    protected async Task<(UserRecord User, string Tenant, CreatedApiKey Key)> NewKeyAsync()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var key = await WithKeysAsync(_services, s => s.CreateAsync(user.Id, tenant, "k"));
        return (user, tenant, key);
    }

    protected async Task<long> UseCountAsync(Guid id)
    {
        await using var db = _database.CreateContext();
        return await db.ApiKeys.Where(k => k.Id == id).Select(k => k.UseCount).SingleAsync();
    }

    private ServiceProvider BuildFullServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IAuditEventWriter>(new RecordingAuditEventWriter());
        services.AddSingleton<ISecretProtector>(new TestSecretProtector());
        services.AddFoundationAuth(o => o.Passwords.Pbkdf2Iterations = 100_000).UseDbContext(_database.Configure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}

public sealed class ApiKeyCachingAndUsageSqliteTests(SqliteTestDatabase database) : ApiKeyCachingAndUsageTests<SqliteTestDatabase>(database)
{
    [Fact]
    public async Task A_flush_against_a_locked_database_file_fails_keeps_its_counts_and_succeeds_once_the_lock_is_gone()
    {
        // An instance that waits at most 1 s for SQLite's write lock.
        await using var services = Database.BuildServices(Time, configureDb: o => o.UseSqlite(Database.ConnectionString + ";Default Timeout=1"));
        var (_, _, key) = await NewKeyAsync();
        (await AuthenticateAsync(services, key.FullKey)).Succeeded.ShouldBeTrue();
        (await AuthenticateAsync(services, key.FullKey)).Succeeded.ShouldBeTrue();

        await using (var locker = Database.CreateContext())
        {
            await locker.Database.OpenConnectionAsync();
            await locker.Database.ExecuteSqlRawAsync("BEGIN EXCLUSIVE");

            await Should.ThrowAsync<DbException>(() => FlushAsync(services));
            Recorder(services).PendingUses.ShouldBe(2);

            await locker.Database.ExecuteSqlRawAsync("ROLLBACK");
        }

        (await FlushAsync(services)).ShouldBe(1);
        (await UseCountAsync(key.Key.Id)).ShouldBe(2);
    }
}

public sealed class ApiKeyCachingAndUsagePostgresTests(PostgresTestDatabase database) : ApiKeyCachingAndUsageTests<PostgresTestDatabase>(database);

/// <summary>Counts the commands sent to the database; optionally makes UPDATEs of <c>auth_api_keys</c> fail.</summary>
internal sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public volatile bool FailApiKeyUpdates;

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Observe(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Observe(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Observe(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Observe(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Observe(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Observe(command);
        return ValueTask.FromResult(result);
    }

    private void Observe(DbCommand command)
    {
        Interlocked.Increment(ref _count);
        if (FailApiKeyUpdates
            && command.CommandText.Contains("UPDATE", StringComparison.OrdinalIgnoreCase)
            && command.CommandText.Contains("auth_api_keys", StringComparison.Ordinal))
        {
            throw new SimulatedDatabaseException();
        }
    }

    private sealed class SimulatedDatabaseException() : DbException("The database is unavailable (simulated by the test).");
}
