using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Fulfillment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "max_splits",
                table: "channels",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "fulfillment_orders",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    order_id = table.Column<string>(type: "text", nullable: false),
                    order_number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    location = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    delivery_group_id = table.Column<string>(type: "text", nullable: false),
                    routing_attempt_id = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fulfillment_orders", x => x.id);
                    table.ForeignKey(
                        name: "fk_fulfillment_orders_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "routing_attempts",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    order_id = table.Column<string>(type: "text", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    explanation = table.Column<string>(type: "text", nullable: true),
                    allocations = table.Column<string>(type: "text", nullable: false),
                    short_lines = table.Column<string>(type: "text", nullable: false),
                    candidates = table.Column<string>(type: "text", nullable: false),
                    fulfillment_order_ids = table.Column<string>(type: "text", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    next_attempt_due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    actor = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_attempts", x => x.id);
                    table.ForeignKey(
                        name: "fk_routing_attempts_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "fulfillment_order_lines",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    fulfillment_order_id = table.Column<string>(type: "text", nullable: false),
                    order_line_id = table.Column<string>(type: "text", nullable: false),
                    sku = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    quantity_shipped = table.Column<int>(type: "integer", nullable: false),
                    quantity_rejected = table.Column<int>(type: "integer", nullable: false),
                    quantity_canceled = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fulfillment_order_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_fulfillment_order_lines_fulfillment_orders_fulfillment_orde",
                        column: x => x.fulfillment_order_id,
                        principalTable: "fulfillment_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_fulfillment_order_lines_fulfillment_order_id",
                table: "fulfillment_order_lines",
                column: "fulfillment_order_id");

            migrationBuilder.CreateIndex(
                name: "ix_fulfillment_order_lines_order_line_id",
                table: "fulfillment_order_lines",
                column: "order_line_id");

            migrationBuilder.CreateIndex(
                name: "ix_fulfillment_orders_location_status",
                table: "fulfillment_orders",
                columns: new[] { "location", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_fulfillment_orders_order_id",
                table: "fulfillment_orders",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_fulfillment_orders_status",
                table: "fulfillment_orders",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_routing_attempts_order_id_number",
                table: "routing_attempts",
                columns: new[] { "order_id", "number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "fulfillment_order_lines");

            migrationBuilder.DropTable(
                name: "routing_attempts");

            migrationBuilder.DropTable(
                name: "fulfillment_orders");

            migrationBuilder.DropColumn(
                name: "max_splits",
                table: "channels");
        }
    }
}
