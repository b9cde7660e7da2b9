using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReturnOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "return_orders",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    order_id = table.Column<string>(type: "TEXT", nullable: false),
                    currency_code = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    reduce_shipping = table.Column<bool>(type: "INTEGER", nullable: false),
                    fees_charged = table.Column<bool>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    fees = table.Column<string>(type: "TEXT", nullable: false),
                    receipts = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_return_orders", x => x.id);
                    table.ForeignKey(
                        name: "fk_return_orders_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "return_order_lines",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    return_order_id = table.Column<string>(type: "TEXT", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    order_line_id = table.Column<string>(type: "TEXT", nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    quantity_expected = table.Column<int>(type: "INTEGER", nullable: false),
                    quantity_received = table.Column<int>(type: "INTEGER", nullable: false),
                    quantity_rejected = table.Column<int>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_return_order_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_return_order_lines_order_lines_order_line_id",
                        column: x => x.order_line_id,
                        principalTable: "order_lines",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_return_order_lines_return_orders_return_order_id",
                        column: x => x.return_order_id,
                        principalTable: "return_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_return_order_lines_order_line_id",
                table: "return_order_lines",
                column: "order_line_id");

            migrationBuilder.CreateIndex(
                name: "ix_return_order_lines_return_order_id_position",
                table: "return_order_lines",
                columns: new[] { "return_order_id", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_return_orders_order_id_created_at",
                table: "return_orders",
                columns: new[] { "order_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_return_orders_status_created_at",
                table: "return_orders",
                columns: new[] { "status", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "return_order_lines");

            migrationBuilder.DropTable(
                name: "return_orders");
        }
    }
}
