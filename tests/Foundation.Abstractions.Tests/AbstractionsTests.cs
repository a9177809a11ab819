using Foundation.Auditing;
using Foundation.Callers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Abstractions.Tests;

public class AuditEventTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_event_needs_an_action(string action)
    {
        var ex = Should.Throw<ArgumentException>(() => new AuditEvent(action, AuditOutcome.Success));
        ex.ParamName.ShouldBe("action");
    }

    [Fact]
    public void Null_action_is_refused()
    {
        Should.Throw<ArgumentNullException>(() => new AuditEvent(null!, AuditOutcome.Success));
    }

    [Fact]
    public void Data_defaults_to_empty_and_is_kept()
    {
        new AuditEvent("auth.login", AuditOutcome.Success).Data.ShouldBeEmpty();
        var e = new AuditEvent("auth.login", AuditOutcome.Failure)
        {
            Data = new Dictionary<string, string?> { ["reason"] = "bad-password" },
        };
        e.Data["reason"].ShouldBe("bad-password");
    }
}

public class LoggingAuditEventWriterTests
{
    [Fact]
    public async Task Writes_one_structured_entry_per_event_with_the_writers_clock()
    {
        var provider = new CapturingProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var writer = new LoggingAuditEventWriter(factory, clock);

        await writer.WriteAsync(new AuditEvent("auth.login", AuditOutcome.Failure) { ActorUserId = "u1", TenantId = "t1", RequestId = "r1" });
        await writer.WriteAsync(new AuditEvent("auth.login", AuditOutcome.Success) { ActorUserId = "u1" });

        provider.Entries.Count.ShouldBe(2);
        var first = provider.Entries[0];
        first.Category.ShouldBe("Foundation.Audit");
        first.Level.ShouldBe(LogLevel.Warning);
        first.State["AuditAction"].ShouldBe("auth.login");
        first.State["AuditOutcome"].ShouldBe(AuditOutcome.Failure);
        first.State["ActorUserId"].ShouldBe("u1");
        first.State["TenantId"].ShouldBe("t1");
        first.State["RequestId"].ShouldBe("r1");
        first.State["OccurredAt"].ShouldBe(clock.GetUtcNow());
        provider.Entries[1].Level.ShouldBe(LogLevel.Information);
    }

    [Fact]
    public async Task Null_event_is_refused()
    {
        using var factory = LoggerFactory.Create(_ => { });
        var writer = new LoggingAuditEventWriter(factory);
        await Should.ThrowAsync<ArgumentNullException>(async () => await writer.WriteAsync(null!));
    }

    private sealed record Entry(string Category, LogLevel Level, Dictionary<string, object?> State);

    private sealed class CapturingProvider : ILoggerProvider
    {
        public List<Entry> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = new Dictionary<string, object?>();
                if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (k, v) in pairs)
                    {
                        values[k] = v;
                    }
                }

                lock (owner.Entries)
                {
                    owner.Entries.Add(new Entry(category, logLevel, values));
                }
            }
        }
    }
}

public class CallerTests
{
    [Fact]
    public void Anonymous_caller_is_nobody()
    {
        ICurrentCaller caller = AnonymousCaller.Instance;
        caller.UserId.ShouldBeNull();
        caller.TenantId.ShouldBeNull();
        caller.RequestId.ShouldBeNull();
        caller.Roles.ShouldBeEmpty();
        caller.IsAuthenticated.ShouldBeFalse();
        caller.IsInRole("admin").ShouldBeFalse();
    }

    [Fact]
    public void IsInRole_ignores_case()
    {
        ICurrentCaller caller = new Caller(["Owner"]);
        caller.IsInRole("owner").ShouldBeTrue();
        caller.IsInRole("admin").ShouldBeFalse();
        caller.IsAuthenticated.ShouldBeTrue();
        Should.Throw<ArgumentNullException>(() => caller.IsInRole(null!));
    }

    [Fact]
    public void Defaults_do_not_replace_what_the_host_registered()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var mine = new Caller(["admin"]);
        services.AddSingleton<ICurrentCaller>(mine);
        services.AddFoundationDefaults();
        services.AddFoundationDefaults();

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ICurrentCaller>().ShouldBeSameAs(mine);
        provider.GetRequiredService<IAuditEventWriter>().ShouldBeOfType<LoggingAuditEventWriter>();
        provider.GetRequiredService<TimeProvider>().ShouldBeSameAs(TimeProvider.System);
        services.Count(d => d.ServiceType == typeof(IAuditEventWriter)).ShouldBe(1);
    }

    [Fact]
    public void Defaults_give_an_anonymous_caller()
    {
        var services = new ServiceCollection().AddLogging().AddFoundationDefaults();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ICurrentCaller>().ShouldBeSameAs(AnonymousCaller.Instance);
    }

    private sealed class Caller(IReadOnlyList<string> roles) : ICurrentCaller
    {
        public string? UserId => "u1";

        public string? TenantId => "t1";

        public IReadOnlyList<string> Roles => roles;

        public string? RequestId => "r1";
    }
}
