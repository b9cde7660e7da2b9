using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Waybill.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ToastLz4 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The order JSON kept by the outbox event and the idempotency record is over TOAST's 2 kB threshold, and
            // PostgreSQL's default pglz compression of it was a tenth of the database's CPU during capture
            // (bench/RESULTS.md). lz4 compresses about as well at a fraction of the cost. Only where the server was
            // built with lz4 (PostgreSQL 14+, as Debian's and the official images are); elsewhere pglz stays.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
                        ALTER TABLE outbox_events ALTER COLUMN data SET COMPRESSION lz4;
                        ALTER TABLE idempotency_records ALTER COLUMN body SET COMPRESSION lz4;
                        ALTER TABLE audit_entries ALTER COLUMN changes SET COMPRESSION lz4;
                    END IF;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
                        ALTER TABLE outbox_events ALTER COLUMN data SET COMPRESSION pglz;
                        ALTER TABLE idempotency_records ALTER COLUMN body SET COMPRESSION pglz;
                        ALTER TABLE audit_entries ALTER COLUMN changes SET COMPRESSION pglz;
                    END IF;
                END
                $$;
                """);
        }
    }
}
