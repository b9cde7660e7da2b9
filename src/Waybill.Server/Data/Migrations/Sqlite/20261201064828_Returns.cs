using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Returns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_invoice_lines_order_line_id_first_unit",
                table: "invoice_lines");

            migrationBuilder.AddColumn<decimal>(
                name: "fee_amount",
                table: "orders",
                type: "TEXT",
                precision: 19,
                scale: 4,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<string>(
                name: "original_order_id",
                table: "orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "appeasements",
                table: "order_lines",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "returned_unit_runs",
                table: "order_lines",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<string>(
                name: "order_line_id",
                table: "invoice_lines",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT");

            migrationBuilder.CreateTable(
                name: "credit_memos",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    order_id = table.Column<string>(type: "TEXT", nullable: false),
                    change_order_id = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    currency_code = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    total_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    refunded_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credit_memos", x => x.id);
                    table.ForeignKey(
                        name: "fk_credit_memos_change_order_change_order_id",
                        column: x => x.change_order_id,
                        principalTable: "change_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_credit_memos_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                name: "credit_memo_lines",
                columns: table => new
                {
                    credit_memo_id = table.Column<string>(type: "TEXT", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    order_line_id = table.Column<string>(type: "TEXT", nullable: true),
                    type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    adjustment_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    tax_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    total_amount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credit_memo_lines", x => new { x.credit_memo_id, x.position });
                    table.ForeignKey(
                        name: "fk_credit_memo_lines_credit_memos_credit_memo_id",
                        column: x => x.credit_memo_id,
                        principalTable: "credit_memos",
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
                name: "ix_orders_original_order_id",
                table: "orders",
                column: "original_order_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_order_line_id_first_unit",
                table: "invoice_lines",
                columns: new[] { "order_line_id", "first_unit" },
                unique: true,
                filter: "first_unit >= 0");

            migrationBuilder.CreateIndex(
                name: "ix_credit_memos_change_order_id",
                table: "credit_memos",
                column: "change_order_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_credit_memos_created_at",
                table: "credit_memos",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_credit_memos_order_id",
                table: "credit_memos",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_credit_memos_status_created_at",
                table: "credit_memos",
                columns: new[] { "status", "created_at" });

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

            migrationBuilder.AddForeignKey(
                name: "fk_orders_orders_original_order_id",
                table: "orders",
                column: "original_order_id",
                principalTable: "orders",
                principalColumn: "id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_orders_orders_original_order_id",
                table: "orders");

            migrationBuilder.DropTable(
                name: "credit_memo_lines");

            migrationBuilder.DropTable(
                name: "return_order_lines");

            migrationBuilder.DropTable(
                name: "credit_memos");

            migrationBuilder.DropTable(
                name: "return_orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_original_order_id",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_invoice_lines_order_line_id_first_unit",
                table: "invoice_lines");

            migrationBuilder.DropColumn(
                name: "fee_amount",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "original_order_id",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "appeasements",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "returned_unit_runs",
                table: "order_lines");

            migrationBuilder.AlterColumn<string>(
                name: "order_line_id",
                table: "invoice_lines",
                type: "TEXT",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_order_line_id_first_unit",
                table: "invoice_lines",
                columns: new[] { "order_line_id", "first_unit" },
                unique: true);
        }
    }
}
