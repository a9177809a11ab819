using System.Globalization;
using Cronos;
using Microsoft.Extensions.Options;

namespace Foundation.Storage.Backups;

/// <summary>Fails the host's start with a message naming the <c>Foundation:Storage:Backups</c> key that is wrong.</summary>
internal sealed class BackupOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string P = StorageOptions.SectionName + ":Backups:";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = options.Backups;
        var errors = new List<string>();
        foreach (var (id, value) in b.Keys)
        {
            if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                errors.Add($"{P}Keys:{id}: a key id is 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            if (!StorageOptionsValidator.TryDecode(value, out var bytes) || bytes.Length != 32)
            {
                errors.Add($"{P}Keys:{id} must be base64 of exactly 32 random bytes (openssl rand -base64 32).");
            }
        }

        if (b.ActiveKeyId is { Length: > 0 } active && !b.Keys.ContainsKey(active))
        {
            errors.Add($"{P}ActiveKeyId is '{active}', which is not in {P}Keys (configured ids: {(b.Keys.Count == 0 ? "none" : string.Join(", ", b.Keys.Keys))}).");
        }

        if (b.Enabled)
        {
            if (string.IsNullOrWhiteSpace(b.ActiveKeyId))
            {
                errors.Add($"{P}ActiveKeyId is empty; scheduled backups need the id of a key in {P}Keys.");
            }

            try
            {
                CronExpression.Parse(b.Schedule, CronFormat.Standard);
            }
            catch (CronFormatException e)
            {
                errors.Add($"{P}Schedule is '{b.Schedule}', which is not a five-field cron expression ({e.Message}); for example '0 * * * *' (hourly).");
            }

            if (string.IsNullOrWhiteSpace(b.Database.ConnectionString))
            {
                errors.Add($"{P}Database:ConnectionString is empty; name the database to back up (Foundation.Hosting fills it from Foundation:Database).");
            }
        }

        if (b.Target == BackupTargetKind.S3 && string.IsNullOrWhiteSpace(b.S3Bucket) && string.IsNullOrWhiteSpace(options.S3.Bucket))
        {
            errors.Add($"{P}Target is S3 but neither {P}S3Bucket nor {StorageOptions.SectionName}:S3:Bucket names a bucket.");
        }

        if (b.Target == BackupTargetKind.FileSystem && b.Enabled && string.IsNullOrWhiteSpace(b.Path))
        {
            errors.Add($"{P}Path is empty; give the folder backups are kept in (Foundation.Hosting defaults it to {{DataDirectory}}/backups), or set {P}Target to S3.");
        }

        if (b.S3Prefix.Contains("..", StringComparison.Ordinal) || b.S3Prefix.StartsWith('/'))
        {
            errors.Add($"{P}S3Prefix is '{b.S3Prefix}'; use a plain prefix such as 'backups/'.");
        }

        if (b.ChunkSizeKiB is < 16 or > 65_536)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{P}ChunkSizeKiB is {b.ChunkSizeKiB}; use 16 to 65536."));
        }

        foreach (var (key, value) in new[] { ("Hourly", b.Retention.Hourly), ("Daily", b.Retention.Daily), ("Weekly", b.Retention.Weekly), ("Monthly", b.Retention.Monthly) })
        {
            if (value < 0)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{P}Retention:{key} is {value}; give a count of 0 or more (0 turns the level off)."));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
