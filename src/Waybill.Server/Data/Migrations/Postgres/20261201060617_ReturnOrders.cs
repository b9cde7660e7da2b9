using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Postgres
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
                    id = table.Column<string>(type: "text", nullable: false),
                    order_id = table.Column<string>(type: "text", nullable: false),
                    currency_code = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reduce_shipping = table.Column<bool>(type: "boolean", nullable: false),
                    fees_charged = table.Column<bool>(type: "boolean", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fees = table.Column<string>(type: "text", nullable: false),
                    receipts = table.Column<string>(type: "text", nullable: false)
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
                    id = table.Column<string>(type: "text", nullable: false),
                    return_order_id = table.Column<string>(type: "text", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    order_line_id = table.Column<string>(type: "text", nullable: false),
                    sku = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    quantity_expected = table.Column<int>(type: "integer", nullable: false),
                    quantity_received = table.Column<int>(type: "integer", nullable: false),
                    quantity_rejected = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
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
