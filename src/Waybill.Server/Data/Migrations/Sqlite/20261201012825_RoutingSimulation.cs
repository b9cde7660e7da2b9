using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RoutingSimulation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "problem",
                table: "routing_attempts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_routing_attempts_completed_at",
                table: "routing_attempts",
                column: "completed_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_routing_attempts_completed_at",
                table: "routing_attempts");

            migrationBuilder.DropColumn(
                name: "problem",
                table: "routing_attempts");
        }
    }
}
