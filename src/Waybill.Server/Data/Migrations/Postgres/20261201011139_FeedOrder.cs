using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Postgres
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
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_events_transaction_id_sequence",
                table: "outbox_events",
                columns: new[] { "transaction_id", "sequence" });

            // Cursors written in sequence order go on from their last event's place in the new order.
            migrationBuilder.Sql("""
                UPDATE event_cursors c SET last_transaction_id = COALESCE(
                    (SELECT e.transaction_id FROM outbox_events e WHERE e.sequence = c.last_sequence), 0)
                """);
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
