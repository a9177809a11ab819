using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Foundation.Auth.Storage;

/// <summary>What every <see cref="AuthDbContext"/> configuration adds, whichever provider is chosen.</summary>
internal static class AuthDbContextOptions
{
    /// <summary>
    /// The migrations are hand-written and there is deliberately no model snapshot (the EF design tools cannot be
    /// restored here), so EF would always report pending model changes. The tests prove instead, on SQLite and
    /// PostgreSQL, that the migrated schema has every column, type, nullability and index of the model.
    /// </summary>
    public static DbContextOptionsBuilder ApplyDefaults(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }
}
