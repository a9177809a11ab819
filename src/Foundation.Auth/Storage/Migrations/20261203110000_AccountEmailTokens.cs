using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Auth.Storage.AuthColumnLengths;

namespace Foundation.Auth.Storage.Migrations;

/// <summary>
/// Account e-mail: <c>auth_users.email_confirmed_at</c> (nullable: existing accounts are unconfirmed, which changes nothing
/// while <c>Foundation:Auth:RequireConfirmedEmail</c> is off) and <c>auth_account_tokens</c>, the hashed single-use tokens
/// of password reset, e-mail confirmation and change of e-mail. Hand-written like the others; valid on SQLite and PostgreSQL.
/// </summary>
[DbContext(typeof(AuthDbContext))]
[Migration("20261203110000_AccountEmailTokens")]
public sealed class AccountEmailTokens : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        var guid = sqlite ? "TEXT" : "uuid";
        var timestamp = sqlite ? "INTEGER" : "timestamp with time zone";
        string Text(int length) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({length})");

        migrationBuilder.AddColumn<DateTimeOffset>(name: "email_confirmed_at", table: "auth_users", type: timestamp, nullable: true);

        migrationBuilder.CreateTable(
            name: "auth_account_tokens",
            columns: table => new
            {
                id = table.Column<Guid>(type: guid, nullable: false),
                user_id = table.Column<Guid>(type: guid, nullable: false),
                tenant_id = table.Column<string>(type: Text(L.TenantId), nullable: false),
                purpose = table.Column<string>(type: Text(AccountTokenRecordConfiguration.PurposeLength), nullable: false),
                token_hash = table.Column<string>(type: Text(L.Sha256Hex), nullable: false),
                email = table.Column<string>(type: Text(L.Email), nullable: true),
                normalized_email = table.Column<string>(type: Text(L.Email), nullable: true),
                created_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                used_at = table.Column<DateTimeOffset>(type: timestamp, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_account_tokens", x => x.id);
                table.ForeignKey("fk_auth_account_tokens_auth_users_user_id", x => x.user_id, "auth_users", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("ix_auth_account_tokens_token_hash", "auth_account_tokens", "token_hash", unique: true);
        migrationBuilder.CreateIndex("ix_auth_account_tokens_user_id_purpose", "auth_account_tokens", ["user_id", "purpose"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("auth_account_tokens");
        migrationBuilder.DropColumn(name: "email_confirmed_at", table: "auth_users");
    }
}
