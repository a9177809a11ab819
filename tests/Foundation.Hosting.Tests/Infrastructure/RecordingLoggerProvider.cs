using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Tests.Infrastructure;

/// <summary>One log entry with the scopes that were active when it was written (each scope as key/values).</summary>
public sealed record RecordedLog(
    string Category,
    LogLevel Level,
    string Message,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Scopes)
{
    /// <summary>The value of <paramref name="key"/> in the innermost scope that has it.</summary>
    public object? ScopeValue(string key)
    {
        for (var i = Scopes.Count - 1; i >= 0; i--)
        {
            if (Scopes[i].TryGetValue(key, out var value))
            {
                return value;
            }
        }

        return null;
    }

    public bool HasScopeKey(string key) => Scopes.Any(s => s.ContainsKey(key));
}

/// <summary>
/// Records every log entry with its scopes. Implements <see cref="ISupportExternalScope"/>, so it sees the scopes
/// the logger factory keeps (those begun through any logger, such as the request-id middleware's).
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<RecordedLog> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class RecordingLogger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<IReadOnlyDictionary<string, object?>>();
            provider._scopes.ForEachScope(
                static (scope, list) =>
                {
                    var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            values[key] = value;
                        }
                    }
                    else
                    {
                        values["Scope"] = scope?.ToString();
                    }

                    list.Add(values);
                },
                scopes);
            provider.Entries.Enqueue(new RecordedLog(category, logLevel, formatter(state, exception), scopes));
        }
    }
}
