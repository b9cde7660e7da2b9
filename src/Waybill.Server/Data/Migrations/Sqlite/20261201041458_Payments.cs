using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Payments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "unapplied_payment_amount",
                table: "orders",
                type: "TEXT",
                precision: 19,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "changed_adjustment_amount",
                table: "order_lines",
                type: "TEXT",
                precision: 19,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "changed_amount",
                table: "order_lines",
                type: "TEXT",
                precision: 19,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "changed_tax_amount",
                table: "order_lines",
                type: "TEXT",
                precision: 19,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.CreateTable(
                name: "change_orders",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    order_id = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    total_delta = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    lines = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_change_orders", x => x.id);
                    table.ForeignKey(
                        name: "fk_change_orders_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    order_id = table.Column<string>(type: "TEXT", nullable: false),
                    shipment_id = table.Column<string>(type: "TEXT", nullable: true),
                    change_order_id = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    currency_code = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    total_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    paid_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoices", x => x.id);
                    table.ForeignKey(
                        name: "fk_invoices_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mock_gateway_operations",
                columns: table => new
                {
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    operation = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    payment_reference = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    result = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    tries = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    answered_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mock_gateway_operations", x => x.idempotency_key);
                });

            migrationBuilder.CreateTable(
                name: "payment_interactions",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    order_id = table.Column<string>(type: "TEXT", nullable: false),
                    payment_id = table.Column<string>(type: "TEXT", nullable: true),
                    gateway = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    result = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    answered = table.Column<bool>(type: "INTEGER", nullable: false),
                    gateway_reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    invoice_id = table.Column<string>(type: "TEXT", nullable: true),
                    credit_memo_id = table.Column<string>(type: "TEXT", nullable: true),
                    requested_at = table.Column<long>(type: "INTEGER", nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_interactions", x => x.id);
                    table.ForeignKey(
                        name: "fk_payment_interactions_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "invoice_lines",
                columns: table => new
                {
                    invoice_id = table.Column<string>(type: "TEXT", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    order_line_id = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    first_unit = table.Column<int>(type: "INTEGER", nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    adjustment_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    tax_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    total_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoice_lines", x => new { x.invoice_id, x.position });
                    table.ForeignKey(
                        name: "fk_invoice_lines_invoices_invoice_id",
                        column: x => x.invoice_id,
                        principalTable: "invoices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_change_orders_order_id_created_at",
                table: "change_orders",
                columns: new[] { "order_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_order_line_id_first_unit",
                table: "invoice_lines",
                columns: new[] { "order_line_id", "first_unit" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoices_created_at",
                table: "invoices",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_order_id",
                table: "invoices",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_shipment_id",
                table: "invoices",
                column: "shipment_id",
                unique: true,
                filter: "shipment_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_status_created_at",
                table: "invoices",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_mock_gateway_operations_payment_reference",
                table: "mock_gateway_operations",
                column: "payment_reference");

            migrationBuilder.CreateIndex(
                name: "ix_payment_interactions_order_id_requested_at",
                table: "payment_interactions",
                columns: new[] { "order_id", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_interactions_result_requested_at",
                table: "payment_interactions",
                columns: new[] { "result", "requested_at" });
            // Orders captured before invoices existed: what they captured at checkout is their unapplied balance.
            migrationBuilder.Sql("UPDATE orders SET unapplied_payment_amount = (SELECT COALESCE(SUM(p.captured_amount - p.refunded_amount), 0) FROM payment_summaries p WHERE p.order_id = orders.id);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "change_orders");

            migrationBuilder.DropTable(
                name: "invoice_lines");

            migrationBuilder.DropTable(
                name: "mock_gateway_operations");

            migrationBuilder.DropTable(
                name: "payment_interactions");

            migrationBuilder.DropTable(
                name: "invoices");

            migrationBuilder.DropColumn(
                name: "unapplied_payment_amount",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "changed_adjustment_amount",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "changed_amount",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "changed_tax_amount",
                table: "order_lines");
        }
    }
}
