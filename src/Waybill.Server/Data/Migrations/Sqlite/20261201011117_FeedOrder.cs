using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FeedOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "last_transaction_id",
                table: "event_cursors",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_events_transaction_id_sequence",
                table: "outbox_events",
                columns: new[] { "transaction_id", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_events_transaction_id_sequence",
                table: "outbox_events");

            migrationBuilder.DropColumn(
                name: "last_transaction_id",
                table: "event_cursors");
        }
    }
}
