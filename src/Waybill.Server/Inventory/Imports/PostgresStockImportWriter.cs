using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Waybill.Server.Data;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// PostgreSQL: the recordIds are claimed in one statement, the merged batch goes into a temporary table by binary COPY,
/// and two statements do the rest — new rows inserted, existing rows locked and updated, the differences summed into the
/// groups — so the cost per record is PostgreSQL's own work on the rows, not round trips (docs/decisions/0008).
/// </summary>
internal sealed class PostgresStockImportWriter(WaybillDb db) : StockImportWriter
{
    private const string CreateTables =
        // Rows vanish at every commit: a batch never sees the previous one's, nor a retried transaction its own first try's.
        "CREATE TEMP TABLE IF NOT EXISTS import_batch (location_code text NOT NULL, sku text NOT NULL, on_hand bigint NOT NULL, " +
        "safety_stock bigint, future_quantity bigint NOT NULL, futures text NOT NULL, applies boolean NOT NULL, futures_add_up boolean NOT NULL) " +
        "ON COMMIT DELETE ROWS; " +
        "CREATE TEMP TABLE IF NOT EXISTS import_seen (location_code text NOT NULL, sku text NOT NULL, applied boolean NOT NULL, " +
        "PRIMARY KEY (location_code, sku)); " +
        "TRUNCATE import_seen";

    private const string Copy =
        "COPY import_batch (location_code, sku, on_hand, safety_stock, future_quantity, futures, applies, futures_add_up) FROM STDIN (FORMAT BINARY)";

    // Every statement here runs the same way whatever the table sizes: a batch probes a big table row by row through its
    // primary key (OFFSET 0 keeps PostgreSQL from turning a NOT EXISTS or LATERAL into a join). Npgsql prepares the
    // statements, and a plan cached while stock_levels was small — a seq scan and a hash join — would otherwise go on
    // scanning the whole table for every batch once it holds a million rows.
    //
    // A plain insert of the ids not there yet: a third cheaper than ON CONFLICT DO NOTHING, whose speculative insertion
    // costs an index probe and a WAL record more per row. Another import claiming one of the ids at the same moment makes
    // it a unique violation, and the batch is tried again (it then finds the id taken). Sorted, so two such imports queue
    // on the ids instead of deadlocking.
    private const string Claim =
        "INSERT INTO applied_import_records (record_id, import_id, applied_at) SELECT id, @import, @now FROM unnest(@ids) AS id " +
        "WHERE NOT EXISTS (SELECT 1 FROM applied_import_records a WHERE a.record_id = id OFFSET 0) ORDER BY id RETURNING record_id";

    private const string ClaimedBefore = "SELECT record_id FROM applied_import_records WHERE import_id = @import AND record_id = ANY(@ids)";

    private static string AddToGroups(string deltas) =>
        "INSERT INTO group_stock (group_code, sku, on_hand, safety_stock, reserved, future_quantity) " +
        "SELECT g.group_code, d.sku, SUM(d.on_hand), SUM(d.safety_stock), 0, SUM(d.future_quantity) " +
        $"FROM {deltas} d JOIN {GroupsOfLocations} g ON g.location_code = d.location_code " +
        "GROUP BY g.group_code, d.sku HAVING SUM(d.on_hand) <> 0 OR SUM(d.safety_stock) <> 0 OR SUM(d.future_quantity) <> 0 " +
        // SKU first, as reservations lock (their lines go in SKU order).
        "ORDER BY d.sku, g.group_code " +
        "ON CONFLICT (group_code, sku) DO UPDATE SET on_hand = group_stock.on_hand + excluded.on_hand, " +
        "safety_stock = group_stock.safety_stock + excluded.safety_stock, future_quantity = group_stock.future_quantity + excluded.future_quantity";

    // A SKU's first stock at a location: inserted as the file states it (in key order, which keeps the primary key's
    // inserts at the right edge of its pages for a file sorted by location), and the whole of it added to the groups; the
    // count tells whether any row of the batch existed already. A plain insert, like the claim: a row another transaction
    // creates at the same moment (a first count of the SKU there) is a unique violation, and the batch goes again.
    private static readonly string InsertNew =
        "WITH inserted AS (" +
        "INSERT INTO stock_levels (location_code, sku, on_hand, safety_stock, reserved, future_quantity, futures, availability_changed, updated_at) " +
        "SELECT b.location_code, b.sku, b.on_hand, COALESCE(b.safety_stock, 0), 0, b.future_quantity, b.futures, true, @now FROM import_batch b " +
        "WHERE b.applies AND NOT EXISTS (SELECT 1 FROM stock_levels s WHERE s.location_code = b.location_code AND s.sku = b.sku OFFSET 0) " +
        "ORDER BY b.location_code, b.sku " +
        "RETURNING location_code, sku, on_hand, safety_stock, future_quantity), " +
        $"grouped AS ({AddToGroups("inserted")}) " +
        "SELECT count(*) FROM inserted";

    // Existing rows (and the ones the statement above just inserted, which come out unchanged) are locked first, by a
    // statement of their own — SKU by SKU, the order reservations lock in, so the two rarely deadlock. Only then are the
    // differences taken and the rows updated, by a second statement: its snapshot is taken after every lock was granted,
    // so it reads the version each row has now (a reservation or count that committed while the batch waited included),
    // and nobody can change them until commit, so new − read is exactly what this batch changes. In one statement the
    // lock would wait for that commit but the statement's older snapshot could not see the version it committed: the
    // update found nothing to change and the file's figures were lost (ImportOnPostgres has the test).
    private static readonly string LockExisting =
        "SELECT count(*) FROM (SELECT * FROM import_batch WHERE applies ORDER BY sku, location_code) b " +
        "CROSS JOIN LATERAL (SELECT 1 FROM stock_levels s WHERE s.location_code = b.location_code AND s.sku = b.sku OFFSET 0 FOR UPDATE) s";

    // The rows are ours (above): each is found by its key and updated by the ctid this statement read it at.
    private static readonly string UpdateExisting =
        "WITH locked AS (" +
        "SELECT s.row_id, b.location_code, b.sku, s.on_hand AS was_on_hand, s.safety_stock AS was_safety_stock, " +
        "s.future_quantity AS was_future_quantity, s.futures AS was_futures, b.on_hand, COALESCE(b.safety_stock, s.safety_stock) AS safety_stock, " +
        "b.future_quantity AS file_future_quantity, b.futures AS file_futures, b.futures_add_up " +
        "FROM (SELECT * FROM import_batch WHERE applies ORDER BY sku, location_code) b " +
        "CROSS JOIN LATERAL (SELECT s.ctid AS row_id, s.on_hand, s.safety_stock, s.future_quantity, s.futures FROM stock_levels s " +
        "WHERE s.location_code = b.location_code AND s.sku = b.sku OFFSET 0) s), " +
        "target AS (" +
        "SELECT l.*, " +
        "CASE WHEN l.futures_add_up AND x.applied THEN l.was_future_quantity + l.file_future_quantity ELSE l.file_future_quantity END AS future_quantity, " +
        "CASE WHEN l.futures_add_up AND x.applied THEN (l.was_futures::jsonb || l.file_futures::jsonb)::text ELSE l.file_futures END AS futures " +
        "FROM locked l LEFT JOIN import_seen x ON x.location_code = l.location_code AND x.sku = l.sku), " +
        "changed AS (" +
        "UPDATE stock_levels s SET on_hand = t.on_hand, safety_stock = t.safety_stock, future_quantity = t.future_quantity, futures = t.futures, " +
        "availability_changed = true, updated_at = @now FROM target t WHERE s.ctid = t.row_id " +
        "AND (t.on_hand, t.safety_stock, t.future_quantity, t.futures) IS DISTINCT FROM (t.was_on_hand, t.was_safety_stock, t.was_future_quantity, t.was_futures) " +
        "RETURNING t.location_code, t.sku, t.on_hand - t.was_on_hand AS on_hand, t.safety_stock - t.was_safety_stock AS safety_stock, " +
        "t.future_quantity - t.was_future_quantity AS future_quantity) " +
        AddToGroups("changed");

    private const string Remember =
        "INSERT INTO import_seen (location_code, sku, applied) SELECT location_code, sku, applies FROM import_batch " +
        "ON CONFLICT (location_code, sku) DO UPDATE SET applied = import_seen.applied OR excluded.applied";

    private const string Unmentioned =
        "SELECT s.location_code, s.sku FROM stock_levels s WHERE s.location_code = ANY(@locations) " +
        "AND (s.on_hand <> 0 OR s.future_quantity <> 0 OR s.futures <> '[]') " +
        "AND NOT EXISTS (SELECT 1 FROM import_seen x WHERE x.location_code = s.location_code AND x.sku = s.sku) " +
        "AND (s.location_code, s.sku) > (@after_location, @after_sku) ORDER BY s.location_code, s.sku LIMIT @limit";

    private NpgsqlConnection Connection => (NpgsqlConnection)db.Database.GetDbConnection();

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(CreateTables, Connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A batch does not wait for its commit to reach the disk. If PostgreSQL itself crashes right after, the last batches
    /// are lost whole — their stock, their claimed recordIds and their counts together — and the import, still running,
    /// is failed at the next start; sending the file again applies exactly what was lost. The import's completion is a
    /// normal commit, so an import shown completed has every batch on disk.
    /// </summary>
    public override async Task StartBatchAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SET LOCAL synchronous_commit = off", Connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<HashSet<string>> ClaimAsync(string importId, IReadOnlyCollection<string> recordIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = recordIds.ToArray();
        var claimed = new HashSet<string>(ids.Length, StringComparer.Ordinal);
        await ReadIdsAsync(Claim, importId, ids, now, claimed, cancellationToken);
        if (claimed.Count < ids.Length)
            await ReadIdsAsync(ClaimedBefore, importId, ids.Where(id => !claimed.Contains(id)).ToArray(), null, claimed, cancellationToken);
        return claimed;
    }

    private async Task ReadIdsAsync(string sql, string importId, string[] ids, DateTimeOffset? now, HashSet<string> into, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, Connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<string>("import", NpgsqlDbType.Text) { TypedValue = importId });
        if (now is { } at) command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", NpgsqlDbType.TimestampTz) { TypedValue = at });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) into.Add(reader.GetString(0));
    }

    public override async Task ApplyAsync(IReadOnlyList<StockRowChange> rows, bool remember, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var copy = await Connection.BeginBinaryImportAsync(Copy, cancellationToken))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(row.Location, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.Sku, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.OnHand, NpgsqlDbType.Bigint, cancellationToken);
                if (row.SafetyStock is { } safetyStock) await copy.WriteAsync(safetyStock, NpgsqlDbType.Bigint, cancellationToken);
                else await copy.WriteNullAsync(cancellationToken);
                await copy.WriteAsync(row.FutureQuantity, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(row.Futures, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.Applies, NpgsqlDbType.Boolean, cancellationToken);
                await copy.WriteAsync(row.FuturesAddUp, NpgsqlDbType.Boolean, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }

        long inserted;
        await using (var insert = new NpgsqlCommand(InsertNew, Connection))
        {
            insert.Parameters.Add(Now(now));
            inserted = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        // A first import of a SKU range inserts everything and is done; otherwise the rest is updated, and then the pairs
        // remembered (after the update, which must not take this batch's own pairs for an earlier batch's).
        await using var batch = new NpgsqlBatch(Connection);
        if (inserted < rows.Count(r => r.Applies))
        {
            // Two statements, so the second one's snapshot sees what committed while the first waited for its locks.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(LockExisting));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(UpdateExisting) { Parameters = { Now(now) } });
        }
        if (remember) batch.BatchCommands.Add(new NpgsqlBatchCommand(Remember));
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter<DateTimeOffset> Now(DateTimeOffset now) => new("now", NpgsqlDbType.TimestampTz) { TypedValue = now };

    public override async Task<IReadOnlyList<(string Location, string Sku)>> UnmentionedAsync(
        IReadOnlyCollection<string> locations, (string Location, string Sku) after, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Unmentioned, Connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>("locations", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = locations.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string>("after_location", NpgsqlDbType.Text) { TypedValue = after.Location });
        command.Parameters.Add(new NpgsqlParameter<string>("after_sku", NpgsqlDbType.Text) { TypedValue = after.Sku });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = limit });
        var keys = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add((reader.GetString(0), reader.GetString(1)));
        return keys;
    }

    public override async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("TRUNCATE import_seen", Connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
