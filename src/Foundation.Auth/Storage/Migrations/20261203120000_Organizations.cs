using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Auth.Storage.AuthColumnLengths;
using O = Foundation.Auth.Storage.OrganizationColumnLengths;

namespace Foundation.Auth.Storage.Migrations;

/// <summary>
/// Organisations, memberships and teams (<c>auth_organizations</c>, <c>auth_organization_members</c>, <c>auth_teams</c>,
/// <c>auth_team_members</c>, <c>auth_invitations</c>), and the existing data
/// moved onto them: tenant id = organisation id, so one organisation per distinct <c>auth_users.tenant_id</c> (named
/// after it; the default tenant's is named <c>Default</c>) and one membership per user with the roles it has today.
/// Nothing else changes: every package keeps its tenant ids. Hand-written; valid on SQLite and PostgreSQL
/// (docs/decisions/0016-organisations-in-auth.md).
/// </summary>
[DbContext(typeof(AuthDbContext))]
[Migration("20261203120000_Organizations")]
public sealed class Organizations : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        var timestamp = sqlite ? "INTEGER" : "timestamp with time zone";
        string Str(int length) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({length})");

        migrationBuilder.CreateTable(
            name: "auth_organizations",
            columns: table => new
            {
                id = table.Column<string>(type: Str(L.TenantId), nullable: false),
                name = table.Column<string>(type: Str(O.Name), nullable: false),
                slug = table.Column<string>(type: Str(O.Slug), nullable: true),
                settings = table.Column<string>(type: sqlite ? "TEXT" : "text", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_auth_organizations", x => x.id));

        migrationBuilder.CreateTable(
            name: "auth_organization_members",
            columns: table => new
            {
                organization_id = table.Column<string>(type: Str(L.TenantId), nullable: false),
                user_id = table.Column<Guid>(type: sqlite ? "TEXT" : "uuid", nullable: false),
                role = table.Column<string>(type: Str(L.Roles), nullable: false),
                joined_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_organization_members", x => new { x.organization_id, x.user_id });
                table.ForeignKey("fk_auth_organization_members_auth_organizations_organization_id", x => x.organization_id, "auth_organizations", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_auth_organization_members_auth_users_user_id", x => x.user_id, "auth_users", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "auth_teams",
            columns: table => new
            {
                id = table.Column<Guid>(type: sqlite ? "TEXT" : "uuid", nullable: false),
                organization_id = table.Column<string>(type: Str(L.TenantId), nullable: false),
                name = table.Column<string>(type: Str(O.TeamName), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_teams", x => x.id);
                table.ForeignKey("fk_auth_teams_auth_organizations_organization_id", x => x.organization_id, "auth_organizations", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "auth_team_members",
            columns: table => new
            {
                team_id = table.Column<Guid>(type: sqlite ? "TEXT" : "uuid", nullable: false),
                user_id = table.Column<Guid>(type: sqlite ? "TEXT" : "uuid", nullable: false),
                role = table.Column<string>(type: Str(O.TeamRole), nullable: false),
                added_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_team_members", x => new { x.team_id, x.user_id });
                table.ForeignKey("fk_auth_team_members_auth_teams_team_id", x => x.team_id, "auth_teams", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_auth_team_members_auth_users_user_id", x => x.user_id, "auth_users", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "auth_invitations",
            columns: table => new
            {
                id = table.Column<Guid>(type: sqlite ? "TEXT" : "uuid", nullable: false),
                organization_id = table.Column<string>(type: Str(L.TenantId), nullable: false),
                email = table.Column<string>(type: Str(L.Email), nullable: false),
                normalized_email = table.Column<string>(type: Str(L.Email), nullable: false),
                role = table.Column<string>(type: Str(O.TeamRole), nullable: false),
                team_ids = table.Column<string>(type: Str(O.TeamIds), nullable: false),
                token_hash = table.Column<string>(type: Str(L.Sha256Hex), nullable: false),
                invited_by = table.Column<Guid>(type: sqlite ? "TEXT" : "uuid", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                accepted_at = table.Column<DateTimeOffset>(type: timestamp, nullable: true),
                accepted_by = table.Column<Guid>(type: sqlite ? "TEXT" : "uuid", nullable: true),
                revoked_at = table.Column<DateTimeOffset>(type: timestamp, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_auth_invitations", x => x.id);
                table.ForeignKey("fk_auth_invitations_auth_organizations_organization_id", x => x.organization_id, "auth_organizations", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("ix_auth_invitations_token_hash", "auth_invitations", "token_hash", unique: true);
        migrationBuilder.CreateIndex("ix_auth_invitations_organization_id_normalized_email", "auth_invitations", ["organization_id", "normalized_email"]);
        migrationBuilder.CreateIndex("ix_auth_organizations_slug", "auth_organizations", "slug", unique: true);
        migrationBuilder.CreateIndex("ix_auth_teams_organization_id_name", "auth_teams", ["organization_id", "name"], unique: true);
        migrationBuilder.CreateIndex("ix_auth_team_members_user_id", "auth_team_members", "user_id");
        migrationBuilder.CreateIndex("ix_auth_organization_members_user_id", "auth_organization_members", "user_id");

        // Existing tenants become organisations; existing users their members with the roles they hold today.
        migrationBuilder.Sql(
            """
            INSERT INTO auth_organizations (id, name, slug, settings, created_at, updated_at)
            SELECT tenant_id, CASE WHEN tenant_id = '' THEN 'Default' ELSE tenant_id END, NULL, '{}', MIN(created_at), MIN(created_at)
            FROM auth_users
            GROUP BY tenant_id;
            """);
        migrationBuilder.Sql(
            """
            INSERT INTO auth_organization_members (organization_id, user_id, role, joined_at)
            SELECT tenant_id, id, roles, created_at
            FROM auth_users;
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("auth_invitations");
        migrationBuilder.DropTable("auth_team_members");
        migrationBuilder.DropTable("auth_teams");
        migrationBuilder.DropTable("auth_organization_members");
        migrationBuilder.DropTable("auth_organizations");
    }
}
