using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Inventory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "reservation_id",
                table: "orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "quantity_reserved",
                table: "order_lines",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "applied_import_records",
                columns: table => new
                {
                    record_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    import_id = table.Column<string>(type: "TEXT", nullable: false),
                    applied_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_applied_import_records", x => x.record_id);
                });

            migrationBuilder.CreateTable(
                name: "channels",
                columns: table => new
                {
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    location_group = table.Column<string>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channels", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "group_stock",
                columns: table => new
                {
                    group_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    on_hand = table.Column<long>(type: "INTEGER", nullable: false),
                    safety_stock = table.Column<long>(type: "INTEGER", nullable: false),
                    reserved = table.Column<long>(type: "INTEGER", nullable: false),
                    future_quantity = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_group_stock", x => new { x.group_code, x.sku });
                });

            migrationBuilder.CreateTable(
                name: "location_groups",
                columns: table => new
                {
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_location_groups", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "locations",
                columns: table => new
                {
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    address = table.Column<string>(type: "TEXT", nullable: true),
                    latitude = table.Column<double>(type: "REAL", nullable: true),
                    longitude = table.Column<double>(type: "REAL", nullable: true),
                    priority = table.Column<int>(type: "INTEGER", nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_locations", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "reservations",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    reservation_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: true),
                    order_id = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reservations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "stock_imports",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    mode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    records_total = table.Column<long>(type: "INTEGER", nullable: false),
                    records_applied = table.Column<long>(type: "INTEGER", nullable: false),
                    records_already_applied = table.Column<long>(type: "INTEGER", nullable: false),
                    error_count = table.Column<long>(type: "INTEGER", nullable: false),
                    failure_reason = table.Column<string>(type: "TEXT", nullable: true),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    errors = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_imports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "stock_levels",
                columns: table => new
                {
                    location_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    on_hand = table.Column<long>(type: "INTEGER", nullable: false),
                    safety_stock = table.Column<long>(type: "INTEGER", nullable: false),
                    reserved = table.Column<long>(type: "INTEGER", nullable: false),
                    future_quantity = table.Column<long>(type: "INTEGER", nullable: false),
                    futures = table.Column<string>(type: "TEXT", nullable: false),
                    availability_changed = table.Column<bool>(type: "INTEGER", nullable: false),
                    announced_available = table.Column<long>(type: "INTEGER", nullable: true),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stock_levels", x => new { x.location_code, x.sku });
                });

            migrationBuilder.CreateTable(
                name: "location_group_members",
                columns: table => new
                {
                    group_code = table.Column<string>(type: "TEXT", nullable: false),
                    location_code = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_location_group_members", x => new { x.group_code, x.location_code });
                    table.ForeignKey(
                        name: "fk_location_group_members_location_groups_group_code",
                        column: x => x.group_code,
                        principalTable: "location_groups",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_location_group_members_locations_location_code",
                        column: x => x.location_code,
                        principalTable: "locations",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "reservation_lines",
                columns: table => new
                {
                    reservation_id = table.Column<string>(type: "TEXT", nullable: false),
                    sku = table.Column<string>(type: "TEXT", nullable: false),
                    target_kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    target_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    fulfilled = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reservation_lines", x => new { x.reservation_id, x.sku, x.target_kind, x.target_code });
                    table.ForeignKey(
                        name: "fk_reservation_lines_reservations_reservation_id",
                        column: x => x.reservation_id,
                        principalTable: "reservations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_applied_import_records_applied_at",
                table: "applied_import_records",
                column: "applied_at");

            migrationBuilder.CreateIndex(
                name: "ix_channels_location_group",
                table: "channels",
                column: "location_group");

            migrationBuilder.CreateIndex(
                name: "ix_location_group_members_location_code",
                table: "location_group_members",
                column: "location_code");

            migrationBuilder.CreateIndex(
                name: "ix_locations_active",
                table: "locations",
                column: "active");

            migrationBuilder.CreateIndex(
                name: "ix_reservations_order_id",
                table: "reservations",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_reservations_reservation_key",
                table: "reservations",
                column: "reservation_key",
                unique: true,
                filter: "reservation_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_reservations_status_expires_at",
                table: "reservations",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_stock_imports_status",
                table: "stock_imports",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_stock_levels_availability_changed",
                table: "stock_levels",
                column: "availability_changed",
                filter: "availability_changed");

            migrationBuilder.CreateIndex(
                name: "ix_stock_levels_sku",
                table: "stock_levels",
                column: "sku");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "applied_import_records");

            migrationBuilder.DropTable(
                name: "channels");

            migrationBuilder.DropTable(
                name: "group_stock");

            migrationBuilder.DropTable(
                name: "location_group_members");

            migrationBuilder.DropTable(
                name: "reservation_lines");

            migrationBuilder.DropTable(
                name: "stock_imports");

            migrationBuilder.DropTable(
                name: "stock_levels");

            migrationBuilder.DropTable(
                name: "location_groups");

            migrationBuilder.DropTable(
                name: "locations");

            migrationBuilder.DropTable(
                name: "reservations");

            migrationBuilder.DropColumn(
                name: "reservation_id",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "quantity_reserved",
                table: "order_lines");
        }
    }
}
