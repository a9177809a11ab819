using System.Security.Cryptography;
using System.Text;
using Foundation.Auth.ApiKeys;
using Foundation.Auth.Authentication;
using Foundation.Auth.Storage;
using Foundation.Auth.Tests.Infrastructure;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Tests.ApiKeys;

public abstract class ApiKeyServiceTests<TDatabase> : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _database;
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly RecordingAuditEventWriter _audit = new();
    private ServiceProvider _services = null!;

    protected ApiKeyServiceTests(TDatabase database) => _database = database;

    public Task InitializeAsync()
    {
        _services = _database.BuildServices(_time, _audit, o => o.ApiKeys.MaxKeysPerUser = 3);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Create_returns_the_full_key_once_and_stores_only_the_hash_of_the_secret()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var expiresAt = _time.GetUtcNow().AddDays(90);

        var created = await WithKeys(s => s.CreateAsync(user.Id, tenant, "  LLM gateway  ", ["llm:chat", "costs.read", "llm:chat"], expiresAt));

        created.FullKey.ShouldMatch("^fnd_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$");
        created.FullKey.ShouldStartWith("fnd_" + created.Key.KeyId + "_");
        created.ToString().ShouldNotContain(created.FullKey[17..]);
        created.Key.Name.ShouldBe("LLM gateway");
        created.Key.Scopes.ShouldBe(["llm:chat", "costs.read"]);
        created.Key.ExpiresAt.ShouldBe(expiresAt);
        created.Key.IsActive.ShouldBeTrue();
        created.Key.UseCount.ShouldBe(0);
        created.Key.Id.Version.ShouldBe(7);

        var secret = created.FullKey[17..];
        await using var db = _database.CreateContext();
        var row = await db.ApiKeys.SingleAsync(k => k.Id == created.Key.Id);
        row.SecretHash.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret))));
        var rawRow = await DbQuery.RowsAsync(db, "SELECT * FROM auth_api_keys WHERE key_id = @p0", created.Key.KeyId);
        rawRow.Count.ShouldBe(1);
        rawRow[0].ShouldAllBe(v => v == null || !v.ToString()!.Contains(secret));
        (await WithKeys(s => s.GetAsync(user.Id, tenant, created.Key.Id))).ShouldBeEquivalentTo(created.Key);
        _audit.Events.Single(e => e.TargetId == created.Key.Id.ToString()).Action.ShouldBe("auth.api_key.created");
    }

    [Fact]
    public async Task List_get_delete_activate_and_deactivate_are_owner_scoped()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var first = await WithKeys(s => s.CreateAsync(user.Id, tenant, "first"));
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await WithKeys(s => s.CreateAsync(user.Id, tenant, "second"));

        (await WithKeys(s => s.ListAsync(user.Id, tenant))).Select(k => k.Id).ShouldBe([second.Key.Id, first.Key.Id]);

        (await WithKeys(s => s.SetActiveAsync(user.Id, tenant, first.Key.Id, false))).ShouldBeTrue();
        (await WithKeys(s => s.GetAsync(user.Id, tenant, first.Key.Id)))!.IsActive.ShouldBeFalse();
        (await Authenticate(first.FullKey)).Failure.ShouldBe("API key inactive");
        (await WithKeys(s => s.SetActiveAsync(user.Id, tenant, first.Key.Id, true))).ShouldBeTrue();
        (await Authenticate(first.FullKey)).Succeeded.ShouldBeTrue();

        (await WithKeys(s => s.DeleteAsync(user.Id, tenant, first.Key.Id))).ShouldBeTrue();
        (await WithKeys(s => s.DeleteAsync(user.Id, tenant, first.Key.Id))).ShouldBeFalse();
        (await WithKeys(s => s.GetAsync(user.Id, tenant, first.Key.Id))).ShouldBeNull();
        (await WithKeys(s => s.SetActiveAsync(user.Id, tenant, first.Key.Id, true))).ShouldBeFalse();
        (await Authenticate(first.FullKey)).Failure.ShouldBe("invalid API key");
        (await WithKeys(s => s.ListAsync(user.Id, tenant))).Select(k => k.Id).ShouldBe([second.Key.Id]);

        _audit.Events.Where(e => e.TargetId == first.Key.Id.ToString()).Select(e => e.Action)
            .ShouldBe(["auth.api_key.created", "auth.api_key.deactivated", "auth.api_key.activated", "auth.api_key.deleted"]);
    }

    [Fact]
    public async Task Tenant_A_never_sees_or_changes_tenant_B_keys()
    {
        var tenantA = TestDatabase.NewTenant();
        var tenantB = TestDatabase.NewTenant();
        var userA = await _database.AddUserAsync(tenantA, _time);
        var userB = await _database.AddUserAsync(tenantB, _time);
        var keyB = await WithKeys(s => s.CreateAsync(userB.Id, tenantB, "b"));

        foreach (var (userId, tenant) in new[] { (userB.Id, tenantA), (userA.Id, tenantA), (userA.Id, tenantB) })
        {
            (await WithKeys(s => s.ListAsync(userId, tenant))).ShouldBeEmpty();
            (await WithKeys(s => s.GetAsync(userId, tenant, keyB.Key.Id))).ShouldBeNull();
            (await WithKeys(s => s.SetActiveAsync(userId, tenant, keyB.Key.Id, false))).ShouldBeFalse();
            (await WithKeys(s => s.DeleteAsync(userId, tenant, keyB.Key.Id))).ShouldBeFalse();
        }

        var stillThere = await WithKeys(s => s.GetAsync(userB.Id, tenantB, keyB.Key.Id));
        stillThere!.IsActive.ShouldBeTrue();
        (await Authenticate(keyB.FullKey)).Principal!.FindFirst(AuthClaims.Tenant)!.Value.ShouldBe(tenantB);
    }

    [Fact]
    public async Task Authenticate_returns_the_owner_principal_with_scopes_and_counts_the_use()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time, roles: "admin member");
        var key = await WithKeys(s => s.CreateAsync(user.Id, tenant, "ci", ["llm:chat", "costs.read"]));
        _time.Advance(TimeSpan.FromMinutes(3));

        var check = await Authenticate(key.FullKey);

        check.Succeeded.ShouldBeTrue(check.Failure);
        var p = check.Principal!;
        p.Identity!.IsAuthenticated.ShouldBeTrue();
        p.FindFirst(AuthClaims.Subject)!.Value.ShouldBe(user.Id.ToString());
        p.FindFirst(AuthClaims.Tenant)!.Value.ShouldBe(tenant);
        p.FindFirst(AuthClaims.ApiKeyId)!.Value.ShouldBe(key.Key.KeyId);
        p.FindAll(AuthClaims.Role).Select(c => c.Value).ShouldBe(["admin", "member"]);
        p.FindAll(AuthClaims.Scope).Select(c => c.Value).ShouldBe(["llm:chat", "costs.read"]);
        p.FindFirst(AuthClaims.SessionId).ShouldBeNull();

        // Uses are counted in memory and written in the background: flush to read them now.
        await FlushUsageAsync();
        var info = await WithKeys(s => s.GetAsync(user.Id, tenant, key.Key.Id));
        info!.UseCount.ShouldBe(1);
        info.LastUsedAt.ShouldBe(_time.GetUtcNow());
    }

    [Fact]
    public async Task Authenticate_refuses_wrong_unknown_malformed_inactive_expired_and_disabled_owner()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var key = await WithKeys(s => s.CreateAsync(user.Id, tenant, "k", expiresAt: _time.GetUtcNow().AddDays(1)));
        var full = key.FullKey;
        var otherSecret = full[..^1] + (full[^1] == 'A' ? 'B' : 'A');
        var unknownId = "fnd_ZZZZZZZZZZZZ_" + full[17..];

        (await Authenticate(otherSecret)).Failure.ShouldBe("invalid API key");
        (await Authenticate(unknownId)).Failure.ShouldBe("invalid API key");
        foreach (var malformed in new[] { "", "fnd_", "fnd_x", "fnd_a_b_c", "fnd_" + new string('a', 10 * 1024), full.Replace("fnd_", "xyz_", StringComparison.Ordinal), full + "x", full[..^1], full[..16] + "." + full[17..], full[..20] + "+" + full[21..], "Bearer " + full })
        {
            (await Authenticate(malformed)).Failure.ShouldBe("malformed API key", malformed.Length > 60 ? "10 KB" : malformed);
        }

        (await Authenticate(full)).Succeeded.ShouldBeTrue();

        await WithKeys(s => s.SetActiveAsync(user.Id, tenant, key.Key.Id, false));
        (await Authenticate(full)).Failure.ShouldBe("API key inactive");
        await WithKeys(s => s.SetActiveAsync(user.Id, tenant, key.Key.Id, true));

        await using (var db = _database.CreateContext())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Disabled));
        }

        (await Authenticate(full)).Failure.ShouldBe("user disabled");

        _time.Advance(TimeSpan.FromDays(1));
        (await Authenticate(full)).Failure.ShouldBe("API key expired");

        // Only the one accepted authentication was counted.
        await FlushUsageAsync();
        (await WithKeys(s => s.GetAsync(user.Id, tenant, key.Key.Id)))!.UseCount.ShouldBe(1);
    }

    [Fact]
    public async Task Twenty_concurrent_authentications_count_exactly_twenty_uses()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        var key = await WithKeys(s => s.CreateAsync(user.Id, tenant, "busy"));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Authenticate(key.FullKey))));

        results.ShouldAllBe(r => r.Succeeded);
        await FlushUsageAsync();
        (await WithKeys(s => s.GetAsync(user.Id, tenant, key.Key.Id)))!.UseCount.ShouldBe(20);
    }

    [Theory]
    [InlineData("", null, 0, "name")]
    [InlineData("   ", null, 0, "name")]
    [InlineData("x101", null, 0, "name")]
    [InlineData("ok", "UPPER", 0, "scopes")]
    [InlineData("ok", "has space", 0, "scopes")]
    [InlineData("ok", "", 0, "scopes")]
    [InlineData("ok", "x65", 0, "scopes")]
    [InlineData("ok", "many21", 0, "scopes")]
    [InlineData("ok", null, -1, "expiresAt")]
    [InlineData("ok", null, 0, "expiresAt")]
    [InlineData("ok", null, 732, "expiresAt")]
    public async Task Bad_input_raises_AuthValidationException_naming_the_field_and_stores_nothing(string name, string? scope, int expiresInDays, string field)
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        name = name == "x101" ? new string('x', 101) : name;
        IEnumerable<string>? scopes = scope switch
        {
            null => null,
            "x65" => [new string('x', 65)],
            "many21" => Enumerable.Range(0, 21).Select(i => "s" + i),
            _ => [scope],
        };
        DateTimeOffset? expiresAt = expiresInDays == 0 && field == "expiresAt" ? _time.GetUtcNow()
            : expiresInDays == 0 ? null : _time.GetUtcNow().AddDays(expiresInDays);

        var ex = await Should.ThrowAsync<AuthValidationException>(() => WithKeys(s => s.CreateAsync(user.Id, tenant, name, scopes, expiresAt)));

        ex.Field.ShouldBe(field);
        ex.Message.ShouldNotBeNullOrWhiteSpace();
        (await WithKeys(s => s.ListAsync(user.Id, tenant))).ShouldBeEmpty();
        _audit.Events.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("prod\u200B")]
    [InlineData("key-\u202Egpj.exe")]
    [InlineData("ci\u2066x\u2069")]
    [InlineData("line\nbreak")]
    [InlineData("\uFEFFbom")]
    public async Task A_name_with_an_invisible_or_bidi_character_is_refused_naming_it_and_stores_nothing(string name)
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);

        var ex = await Should.ThrowAsync<AuthValidationException>(() => WithKeys(s => s.CreateAsync(user.Id, tenant, name)));

        ex.Field.ShouldBe("name");
        ex.Message.ShouldStartWith("The name contains U+");
        (await WithKeys(s => s.ListAsync(user.Id, tenant))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Names_in_any_script_with_emoji_are_accepted()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);

        (await WithKeys(s => s.CreateAsync(user.Id, tenant, "Клю́ч 東京 מפתח 🚀"))).Key.Name.ShouldBe("Клю́ч 東京 מפתח 🚀");
    }

    [Fact]
    public async Task The_per_user_limit_is_enforced()
    {
        var tenant = TestDatabase.NewTenant();
        var user = await _database.AddUserAsync(tenant, _time);
        for (var i = 0; i < 3; i++)
        {
            await WithKeys(s => s.CreateAsync(user.Id, tenant, "k" + i));
        }

        var ex = await Should.ThrowAsync<AuthValidationException>(() => WithKeys(s => s.CreateAsync(user.Id, tenant, "one too many")));
        ex.Field.ShouldBe("apiKeys");
        (await WithKeys(s => s.ListAsync(user.Id, tenant))).Count.ShouldBe(3);

        // The limit is per user: another user of the tenant may still create keys.
        var other = await _database.AddUserAsync(tenant, _time);
        await WithKeys(s => s.CreateAsync(other.Id, tenant, "fine"));
    }

    private Task<int> FlushUsageAsync() => _services.GetRequiredService<ApiKeyUsageRecorder>().FlushAsync();

    private async Task<T> WithKeys<T>(Func<ApiKeyService, Task<T>> action)
    {
        await using var scope = _services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ApiKeyService>());
    }

    private async Task<CredentialCheck> Authenticate(string key)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IApiKeyAuthenticator>().AuthenticateAsync(key);
    }
}

public sealed class ApiKeyServiceSqliteTests(SqliteTestDatabase database) : ApiKeyServiceTests<SqliteTestDatabase>(database);

public sealed class ApiKeyServicePostgresTests(PostgresTestDatabase database) : ApiKeyServiceTests<PostgresTestDatabase>(database);
