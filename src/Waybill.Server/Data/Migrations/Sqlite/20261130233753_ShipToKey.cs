using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ShipToKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ship_to_key",
                table: "delivery_groups",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_delivery_groups_ship_to_key",
                table: "delivery_groups",
                column: "ship_to_key");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_delivery_groups_ship_to_key",
                table: "delivery_groups");

            migrationBuilder.DropColumn(
                name: "ship_to_key",
                table: "delivery_groups");
        }
    }
}
