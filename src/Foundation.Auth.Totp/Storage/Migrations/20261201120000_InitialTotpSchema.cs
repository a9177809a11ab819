using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Auth.Totp.Storage.TotpColumnLengths;

namespace Foundation.Auth.Totp.Storage.Migrations;

/// <summary>
/// The first TOTP schema: enrolments and recovery codes. Hand-written (the EF design tools are not available here) and
/// valid on SQLite and PostgreSQL: column types are chosen per provider, matching what the model maps to (SQLite stores
/// <see cref="DateTimeOffset"/> as UTC ticks in an INTEGER column).
/// </summary>
[DbContext(typeof(TotpDbContext))]
[Migration("20261201120000_InitialTotpSchema")]
public sealed class InitialTotpSchema : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var t = new ColumnTypes(migrationBuilder.IsSqlite());

        migrationBuilder.CreateTable(
            name: "totp_enrollments",
            columns: table => new
            {
                user_id = table.Column<Guid>(type: t.Guid, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                protected_secret = table.Column<string>(type: t.Text, nullable: false),
                algorithm = table.Column<string>(type: t.String(L.Algorithm), nullable: false),
                digits = table.Column<int>(type: t.Int, nullable: false),
                period = table.Column<int>(type: t.Int, nullable: false),
                status = table.Column<string>(type: t.String(L.Status), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                pending_expires_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                enabled_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                last_used_time_step = table.Column<long>(type: t.Long, nullable: true),
                failed_count = table.Column<int>(type: t.Int, nullable: false),
                failure_window_started_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                blocked_until = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_totp_enrollments", x => x.user_id));

        migrationBuilder.CreateTable(
            name: "totp_recovery_codes",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                user_id = table.Column<Guid>(type: t.Guid, nullable: false),
                code_hash = table.Column<string>(type: t.String(L.Sha256Hex), nullable: false),
                used_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_totp_recovery_codes", x => x.id);
                table.ForeignKey("fk_totp_recovery_codes_totp_enrollments_user_id", x => x.user_id, "totp_enrollments", "user_id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("ix_totp_recovery_codes_user_id_code_hash", "totp_recovery_codes", ["user_id", "code_hash"], unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("totp_recovery_codes");
        migrationBuilder.DropTable("totp_enrollments");
    }

    /// <summary>The store types the model maps to, per provider.</summary>
    private readonly struct ColumnTypes(bool sqlite)
    {
        public string Guid => sqlite ? "TEXT" : "uuid";

        public string Int => sqlite ? "INTEGER" : "integer";

        public string Long => sqlite ? "INTEGER" : "bigint";

        public string Text => sqlite ? "TEXT" : "text";

        /// <summary>UTC ticks on SQLite, timestamptz on PostgreSQL.</summary>
        public string Timestamp => sqlite ? "INTEGER" : "timestamp with time zone";

        public string String(int maxLength) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({maxLength})");
    }
}
