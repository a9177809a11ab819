using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Auth.Storage.AuthColumnLengths;

namespace Foundation.Auth.Storage.Migrations;

/// <summary>
/// The first Auth schema: users, sessions, refresh tokens, API keys and signing keys. Hand-written (the EF design
/// tools are not available here) and valid on SQLite and PostgreSQL: column types are chosen per provider, matching
/// what the model maps to (SQLite stores <see cref="DateTimeOffset"/> as UTC ticks in an INTEGER column).
/// </summary>
[DbContext(typeof(AuthDbContext))]
[Migration("20261121120000_InitialAuthSchema")]
public sealed class InitialAuthSchema : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var t = new ColumnTypes(migrationBuilder.IsSqlite());

        migrationBuilder.CreateTable(
            name: "auth_users",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                email = table.Column<string>(type: t.String(L.Email), nullable: false),
                normalized_email = table.Column<string>(type: t.String(L.Email), nullable: false),
                password_hash = table.Column<string>(type: t.String(L.PasswordHash), nullable: false),
                status = table.Column<int>(type: t.Int, nullable: false),
                roles = table.Column<string>(type: t.String(L.Roles), nullable: false),
                security_stamp = table.Column<string>(type: t.String(L.SecurityStamp), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                last_login_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                failed_login_count = table.Column<int>(type: t.Int, nullable: false),
                lockout_ends_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_auth_users", x => x.id));

        migrationBuilder.CreateTable(
            name: "auth_signing_keys",
            columns: table => new
            {
                key_id = table.Column<string>(type: t.String(L.SigningKeyId), nullable: false),
                algorithm = table.Column<string>(type: t.String(L.Algorithm), nullable: false),
                protected_key = table.Column<string>(type: t.Text, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                retired_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                valid_until = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_auth_signing_keys", x => x.key_id));

        migrationBuilder.CreateTable(
            name: "auth_sessions",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                user_id = table.Column<Guid>(type: t.Guid, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                last_seen_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                revoked_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                revoked_reason = table.Column<string>(type: t.String(L.RevokedReason), nullable: true),
                ip_address = table.Column<string>(type: t.String(L.IpAddress), nullable: true),
                user_agent = table.Column<string>(type: t.String(L.UserAgent), nullable: true),
                browser = table.Column<string>(type: t.String(L.Browser), nullable: true),
                operating_system = table.Column<string>(type: t.String(L.OperatingSystem), nullable: true),
                device_type = table.Column<string>(type: t.String(L.DeviceType), nullable: true),
                second_factor_verified_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_sessions", x => x.id);
                table.ForeignKey("fk_auth_sessions_auth_users_user_id", x => x.user_id, "auth_users", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "auth_api_keys",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                user_id = table.Column<Guid>(type: t.Guid, nullable: false),
                name = table.Column<string>(type: t.String(L.ApiKeyName), nullable: false),
                key_id = table.Column<string>(type: t.String(L.ApiKeyId), nullable: false),
                secret_hash = table.Column<string>(type: t.String(L.Sha256Hex), nullable: false),
                scopes = table.Column<string>(type: t.String(L.Scopes), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                is_active = table.Column<bool>(type: t.Bool, nullable: false),
                last_used_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                use_count = table.Column<long>(type: t.Long, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_api_keys", x => x.id);
                table.ForeignKey("fk_auth_api_keys_auth_users_user_id", x => x.user_id, "auth_users", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "auth_refresh_tokens",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                session_id = table.Column<Guid>(type: t.Guid, nullable: false),
                token_hash = table.Column<string>(type: t.String(L.Sha256Hex), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                used_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_refresh_tokens", x => x.id);
                table.ForeignKey("fk_auth_refresh_tokens_auth_sessions_session_id", x => x.session_id, "auth_sessions", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("ix_auth_users_tenant_id_normalized_email", "auth_users", ["tenant_id", "normalized_email"], unique: true);
        migrationBuilder.CreateIndex("ix_auth_sessions_user_id_tenant_id", "auth_sessions", ["user_id", "tenant_id"]);
        migrationBuilder.CreateIndex("ix_auth_sessions_expires_at", "auth_sessions", "expires_at");
        migrationBuilder.CreateIndex("ix_auth_refresh_tokens_token_hash", "auth_refresh_tokens", "token_hash", unique: true);
        migrationBuilder.CreateIndex("ix_auth_refresh_tokens_session_id", "auth_refresh_tokens", "session_id");
        migrationBuilder.CreateIndex("ix_auth_api_keys_key_id", "auth_api_keys", "key_id", unique: true);
        migrationBuilder.CreateIndex("ix_auth_api_keys_user_id_tenant_id", "auth_api_keys", ["user_id", "tenant_id"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("auth_refresh_tokens");
        migrationBuilder.DropTable("auth_api_keys");
        migrationBuilder.DropTable("auth_sessions");
        migrationBuilder.DropTable("auth_signing_keys");
        migrationBuilder.DropTable("auth_users");
    }

    /// <summary>The store types the model maps to, per provider.</summary>
    private readonly struct ColumnTypes(bool sqlite)
    {
        public string Guid => sqlite ? "TEXT" : "uuid";

        public string Int => sqlite ? "INTEGER" : "integer";

        public string Long => sqlite ? "INTEGER" : "bigint";

        public string Bool => sqlite ? "INTEGER" : "boolean";

        public string Text => sqlite ? "TEXT" : "text";

        /// <summary>UTC ticks on SQLite (see <see cref="Foundation.Internal.UtcTicksConverter"/>), timestamptz on PostgreSQL.</summary>
        public string Timestamp => sqlite ? "INTEGER" : "timestamp with time zone";

        public string String(int maxLength) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({maxLength})");
    }
}
