using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Exchanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "original_order_id",
                table: "orders",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_original_order_id",
                table: "orders",
                column: "original_order_id");

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

            migrationBuilder.DropIndex(
                name: "ix_orders_original_order_id",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "original_order_id",
                table: "orders");
        }
    }
}
