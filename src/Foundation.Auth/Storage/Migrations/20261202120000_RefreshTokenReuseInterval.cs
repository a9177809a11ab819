using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Foundation.Auth.Storage.Migrations;

/// <summary>
/// Adds <c>auth_refresh_tokens.reuse_allowed_until</c>: until when a just-rotated refresh token may be presented again
/// without revoking its session (<see cref="TokenOptions.RefreshReuseInterval"/>). Nullable, so existing rows keep the
/// strict behaviour. Hand-written like the first migration; valid on SQLite and PostgreSQL.
/// </summary>
[DbContext(typeof(AuthDbContext))]
[Migration("20261202120000_RefreshTokenReuseInterval")]
public sealed class RefreshTokenReuseInterval : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // UTC ticks on SQLite (see UtcTicksConverter), timestamptz on PostgreSQL.
        migrationBuilder.AddColumn<DateTimeOffset>(
            name: "reuse_allowed_until",
            table: "auth_refresh_tokens",
            type: migrationBuilder.IsSqlite() ? "INTEGER" : "timestamp with time zone",
            nullable: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropColumn(name: "reuse_allowed_until", table: "auth_refresh_tokens");
    }
}
