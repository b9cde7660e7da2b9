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
            migrationBuilder.AddColumn<long>(
                name: "last_transaction_id",
                table: "event_cursors",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

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
                    version = table.Column<int>(type: "integer", nullable: false),
                    problem = table.Column<string>(type: "text", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "shipments",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    fulfillment_order_id = table.Column<string>(type: "text", nullable: false),
                    order_id = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    carrier = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    service = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    tracking_number = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    shipped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shipments", x => x.id);
                    table.ForeignKey(
                        name: "fk_shipments_fulfillment_orders_fulfillment_order_id",
                        column: x => x.fulfillment_order_id,
                        principalTable: "fulfillment_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_shipments_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shipment_lines",
                columns: table => new
                {
                    shipment_id = table.Column<string>(type: "text", nullable: false),
                    fulfillment_order_line_id = table.Column<string>(type: "text", nullable: false),
                    order_line_id = table.Column<string>(type: "text", nullable: false),
                    sku = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shipment_lines", x => new { x.shipment_id, x.fulfillment_order_line_id });
                    table.ForeignKey(
                        name: "fk_shipment_lines_fulfillment_order_lines_fulfillment_order_li",
                        column: x => x.fulfillment_order_line_id,
                        principalTable: "fulfillment_order_lines",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_shipment_lines_shipments_shipment_id",
                        column: x => x.shipment_id,
                        principalTable: "shipments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shipment_tracking_events",
                columns: table => new
                {
                    shipment_id = table.Column<string>(type: "text", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    location = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shipment_tracking_events", x => new { x.shipment_id, x.sequence });
                    table.ForeignKey(
                        name: "fk_shipment_tracking_events_shipments_shipment_id",
                        column: x => x.shipment_id,
                        principalTable: "shipments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_events_transaction_id_sequence",
                table: "outbox_events",
                columns: new[] { "transaction_id", "sequence" });

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
                name: "ix_routing_attempts_completed_at",
                table: "routing_attempts",
                column: "completed_at");

            migrationBuilder.CreateIndex(
                name: "ix_routing_attempts_order_id_number",
                table: "routing_attempts",
                columns: new[] { "order_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_shipment_lines_fulfillment_order_line_id",
                table: "shipment_lines",
                column: "fulfillment_order_line_id");

            migrationBuilder.CreateIndex(
                name: "ix_shipments_fulfillment_order_id",
                table: "shipments",
                column: "fulfillment_order_id");

            migrationBuilder.CreateIndex(
                name: "ix_shipments_order_id",
                table: "shipments",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_shipments_tracking_number",
                table: "shipments",
                column: "tracking_number");

            // Cursors written in sequence order go on from their last event's place in the (transaction, sequence) order
            // of the feed (decision 0003).
            migrationBuilder.Sql("""
                UPDATE event_cursors c SET last_transaction_id = COALESCE(
                    (SELECT e.transaction_id FROM outbox_events e WHERE e.sequence = c.last_sequence), 0)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "routing_attempts");

            migrationBuilder.DropTable(
                name: "shipment_lines");

            migrationBuilder.DropTable(
                name: "shipment_tracking_events");

            migrationBuilder.DropTable(
                name: "fulfillment_order_lines");

            migrationBuilder.DropTable(
                name: "shipments");

            migrationBuilder.DropTable(
                name: "fulfillment_orders");

            migrationBuilder.DropIndex(
                name: "ix_outbox_events_transaction_id_sequence",
                table: "outbox_events");

            migrationBuilder.DropColumn(
                name: "last_transaction_id",
                table: "event_cursors");

            migrationBuilder.DropColumn(
                name: "max_splits",
                table: "channels");
        }
    }
}
