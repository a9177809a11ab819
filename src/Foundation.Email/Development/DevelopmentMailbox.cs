using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Foundation.Email.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Foundation.Email.Development;

/// <summary>
/// The development sink's folder: each message an <c>.eml</c> file (any mail client opens it) and one line per message in
/// <c>index.jsonl</c>. <see cref="DevelopmentEmailSink"/> writes through <see cref="WriteAsync"/>; a page lists with
/// <see cref="ListAsync"/> and shows one with <see cref="ReadAsync"/>. The folder is created readable by its owner only:
/// the messages carry single-use tokens. Meant for one process on one machine; use SMTP anywhere else.
/// </summary>
public sealed partial class DevelopmentMailbox : IDisposable
{
    /// <summary>The index file's name.</summary>
    public const string IndexFileName = "index.jsonl";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IOptionsMonitor<EmailOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DevelopmentMailbox> _logger;
    private int _warned;

    /// <summary>Creates the mailbox over the folder of <see cref="DevelopmentSinkOptions.Directory"/>.</summary>
    public DevelopmentMailbox(IOptionsMonitor<EmailOptions> options, TimeProvider time, ILogger<DevelopmentMailbox> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <summary>The folder (absolute).</summary>
    public string Directory => Path.GetFullPath(_options.CurrentValue.DevelopmentSink.Directory ?? "mail");

    /// <summary>Writes <paramref name="message"/> as a new <c>.eml</c> file and indexes it; returns its summary.</summary>
    /// <exception cref="ArgumentException">The message's recipient, subject or category is malformed.</exception>
    /// <exception cref="EmailDeliveryException">The folder cannot be written.</exception>
    public async Task<DevelopmentMailSummary> WriteAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var options = _options.CurrentValue;
        var now = _time.GetUtcNow();
        var mime = MimeMessages.Create(message, options.From, now);
        var summary = new DevelopmentMailSummary(Guid.CreateVersion7(now).ToString("N"), message.To, message.Subject, message.Category, now);
        var directory = Directory;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CreatePrivateDirectory(directory);
            var path = Path.Combine(directory, summary.Id + ".eml");
            var temporary = path + ".tmp";
            await mime.WriteToAsync(temporary, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path);
            var line = JsonSerializer.Serialize(summary, s_json) + "\n";
            await File.AppendAllTextAsync(Path.Combine(directory, IndexFileName), line, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            await TrimAsync(directory, options.DevelopmentSink.MaxMessages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EmailDeliveryException($"The development mail folder '{directory}' cannot be written: {ex.Message}", ex);
        }
        finally
        {
            _gate.Release();
        }

        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogSinkInUse(_logger, directory);
        }

        return summary;
    }

    /// <summary>The newest messages first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<DevelopmentMailSummary>> ListAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var lines = await ReadIndexAsync(Directory, cancellationToken).ConfigureAwait(false);
        return [.. lines.AsEnumerable().Reverse().Take(limit)];
    }

    /// <summary>The message <paramref name="id"/>, or <see langword="null"/> when there is none (or the id is malformed).</summary>
    public async Task<DevelopmentMail?> ReadAsync(string id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id) || id.Length != 32 || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var path = Path.Combine(Directory, id + ".eml");
        if (!File.Exists(path))
        {
            return null;
        }

        MimeMessage mime;
        try
        {
            mime = await MimeMessage.LoadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var summary = new DevelopmentMailSummary(
            id,
            mime.To.Mailboxes.FirstOrDefault()?.Address ?? string.Empty,
            mime.Subject ?? string.Empty,
            mime.Headers[MimeMessages.CategoryHeader] ?? "general",
            mime.Date);
        return new DevelopmentMail(summary, mime.From.ToString(), mime.TextBody ?? string.Empty, mime.HtmlBody);
    }

    private static async Task<List<DevelopmentMailSummary>> ReadIndexAsync(string directory, CancellationToken cancellationToken)
    {
        var index = Path.Combine(directory, IndexFileName);
        var result = new List<DevelopmentMailSummary>();
        if (!File.Exists(index))
        {
            return result;
        }

        foreach (var line in await File.ReadAllLinesAsync(index, Encoding.UTF8, cancellationToken).ConfigureAwait(false))
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<DevelopmentMailSummary>(line, s_json) is { Id.Length: 32 } summary)
                {
                    result.Add(summary);
                }
            }
            catch (JsonException)
            {
                // A line cut short by a crash: skipped, the rest stays readable.
            }
        }

        return result;
    }

    private static async Task TrimAsync(string directory, int maxMessages, CancellationToken cancellationToken)
    {
        var entries = await ReadIndexAsync(directory, cancellationToken).ConfigureAwait(false);
        if (entries.Count <= maxMessages)
        {
            return;
        }

        var drop = entries.Count - maxMessages;
        foreach (var old in entries.Take(drop))
        {
            File.Delete(Path.Combine(directory, old.Id + ".eml"));
        }

        var kept = entries.Skip(drop).Select(e => JsonSerializer.Serialize(e, s_json));
        var index = Path.Combine(directory, IndexFileName);
        await File.WriteAllLinesAsync(index + ".tmp", kept, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        File.Move(index + ".tmp", index, overwrite: true);
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "E-mail is written to the development sink {Directory}, not delivered: set Foundation:Email:Smtp:Host to send real mail")]
    private static partial void LogSinkInUse(ILogger logger, string directory);
}
