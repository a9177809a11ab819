using Foundation.Internal;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Data.KeyRing;

/// <summary>
/// Applies the key ring migrations (SQLite or PostgreSQL; on PostgreSQL under a session advisory lock, so instances starting together
/// migrate once), then copies into the database the keys of the folder the ring lived in before (<c>Foundation:DataProtection:KeysDirectory</c>)
/// that it does not hold yet, so that secrets protected before the switch to <c>KeyRing = Database</c> stay readable.
/// </summary>
public sealed partial class KeyRingDatabaseMigrator
{
    /// <summary>The PostgreSQL advisory lock key held while these migrations are applied (constant per store).</summary>
    internal const long MigrationLockKey = 0x46_6F_75_6E_06;

    private readonly IServiceScopeFactory _scopeFactory;
    private readonly FoundationPaths _paths;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<KeyRingDatabaseMigrator> _logger;

    /// <summary>Creates the migrator.</summary>
    public KeyRingDatabaseMigrator(IServiceScopeFactory scopeFactory, FoundationPaths paths, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(loggers);
        _scopeFactory = scopeFactory;
        _paths = paths;
        _loggers = loggers;
        _logger = loggers.CreateLogger<KeyRingDatabaseMigrator>();
    }

    /// <summary>Creates or upgrades the key ring table to the latest migration and imports the folder's keys it lacks.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<KeyRingDbContext>();
            await db.MigrateExclusivelyAsync(MigrationLockKey, cancellationToken).ConfigureAwait(false);
            await ImportFolderAsync(db, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ImportFolderAsync(KeyRingDbContext db, CancellationToken cancellationToken)
    {
        var folder = new DirectoryInfo(_paths.KeysDirectory);
        if (!folder.Exists)
        {
            return;
        }

        var elements = new FileSystemXmlRepository(folder, _loggers).GetAllElements();
        if (elements.Count == 0)
        {
            return;
        }

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            if (db.Database.IsNpgsql())
            {
                // One importer at a time: two instances sharing the old folder must not store one key twice.
                await db.Database.ExecuteSqlRawAsync("LOCK TABLE foundation_data_protection_keys IN EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
            }

            var known = (await db.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            var imported = 0;
            foreach (var element in elements)
            {
                // The names Data Protection's key manager gives: key-{id} and revocation-{id}.
                var name = element.Name.LocalName + "-" + (element.Attribute("id")?.Value ?? Guid.NewGuid().ToString());
                if (known.Add(name))
                {
                    db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = name, Xml = element.ToString(System.Xml.Linq.SaveOptions.DisableFormatting) });
                    imported++;
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (imported > 0)
            {
                LogImported(_logger, imported, folder.FullName);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Copied {Count} Data Protection key ring element(s) from the folder {Folder} into the database, so secrets protected with them stay readable")]
    private static partial void LogImported(ILogger logger, int count, string folder);
}
