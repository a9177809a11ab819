using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Auth.Totp.Storage.TotpColumnLengths;

namespace Foundation.Auth.Totp.Storage.Migrations;

/// <summary>
/// Trusted devices ("remember this device"): <c>totp_trusted_devices</c>, with the hashed device token unique and a
/// cascading foreign key to the enrolment. Hand-written like the first migration; valid on SQLite and PostgreSQL.
/// </summary>
[DbContext(typeof(TotpDbContext))]
[Migration("20261215120000_TotpTrustedDevices")]
public sealed class TotpTrustedDevices : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        var guid = sqlite ? "TEXT" : "uuid";
        var timestamp = sqlite ? "INTEGER" : "timestamp with time zone";
        string Text(int maxLength) => sqlite ? "TEXT" : string.Create(CultureInfo.InvariantCulture, $"character varying({maxLength})");

        migrationBuilder.CreateTable(
            name: "totp_trusted_devices",
            columns: table => new
            {
                id = table.Column<Guid>(type: guid, nullable: false),
                user_id = table.Column<Guid>(type: guid, nullable: false),
                tenant_id = table.Column<string>(type: Text(L.TenantId), nullable: false),
                token_hash = table.Column<string>(type: Text(L.Sha256Hex), nullable: false),
                name = table.Column<string>(type: Text(L.DeviceName), nullable: false),
                user_agent = table.Column<string>(type: Text(L.UserAgent), nullable: true),
                created_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                last_used_at = table.Column<DateTimeOffset>(type: timestamp, nullable: true),
                expires_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_totp_trusted_devices", x => x.id);
                table.ForeignKey("fk_totp_trusted_devices_totp_enrollments_user_id", x => x.user_id, "totp_enrollments", "user_id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("ix_totp_trusted_devices_token_hash", "totp_trusted_devices", "token_hash", unique: true);
        migrationBuilder.CreateIndex("ix_totp_trusted_devices_user_id_expires_at", "totp_trusted_devices", ["user_id", "expires_at"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("totp_trusted_devices");
    }
}
