using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Waybill.Server.Data;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// SQLite: a batch goes into a temporary table through one prepared insert, then a few statements apply it. SQLite has
/// one writer at a time (the write gate), so no other transaction can change a row between the statement that reads its
/// old figures and the one that writes the new: the differences are taken first, into the work table, then applied.
/// </summary>
internal sealed class SqliteStockImportWriter(WaybillDb db) : StockImportWriter
{
    private const string CreateTables =
        "CREATE TEMP TABLE IF NOT EXISTS import_ids (record_id TEXT NOT NULL); " +
        "CREATE TEMP TABLE IF NOT EXISTS import_batch (location_code TEXT NOT NULL, sku TEXT NOT NULL, on_hand INTEGER NOT NULL, " +
        "safety_stock INTEGER, future_quantity INTEGER NOT NULL, futures TEXT NOT NULL, applies INTEGER NOT NULL, futures_add_up INTEGER NOT NULL, " +
        "created INTEGER NOT NULL DEFAULT 0, was_on_hand INTEGER, was_safety_stock INTEGER, was_future_quantity INTEGER, was_futures TEXT, " +
        "PRIMARY KEY (location_code, sku)); " +
        "CREATE TEMP TABLE IF NOT EXISTS import_seen (location_code TEXT NOT NULL, sku TEXT NOT NULL, applied INTEGER NOT NULL, " +
        "PRIMARY KEY (location_code, sku)) WITHOUT ROWID; " +
        "DELETE FROM import_ids; DELETE FROM import_batch; DELETE FROM import_seen;";

    private const string Claimable =
        "SELECT DISTINCT i.record_id FROM import_ids i LEFT JOIN applied_import_records a ON a.record_id = i.record_id " +
        "WHERE a.record_id IS NULL OR a.import_id = $import";

    private const string Claim =
        "INSERT INTO applied_import_records (record_id, import_id, applied_at) SELECT DISTINCT record_id, $import, $now FROM import_ids WHERE true " +
        "ON CONFLICT (record_id) DO NOTHING";

    private const string Changed =
        "(b.on_hand <> b.was_on_hand OR b.safety_stock <> b.was_safety_stock OR b.future_quantity <> b.was_future_quantity OR b.futures <> b.was_futures)";

    private static readonly string[] Apply =
    [
        // A SKU's first stock at a location: created as the file states it, all of it a difference for the groups.
        "UPDATE import_batch SET created = 1, was_on_hand = 0, was_safety_stock = 0, was_future_quantity = 0, was_futures = '[]', " +
        "safety_stock = COALESCE(safety_stock, 0) WHERE applies AND NOT EXISTS " +
        "(SELECT 1 FROM stock_levels s WHERE s.location_code = import_batch.location_code AND s.sku = import_batch.sku)",
        "INSERT INTO stock_levels (location_code, sku, on_hand, safety_stock, reserved, future_quantity, futures, availability_changed, updated_at) " +
        "SELECT location_code, sku, on_hand, safety_stock, 0, future_quantity, futures, 1, $now FROM import_batch WHERE created",
        // Existing rows: the old figures beside the new ones (all SET expressions see the row as it was).
        "UPDATE import_batch AS b SET was_on_hand = s.on_hand, was_safety_stock = s.safety_stock, was_future_quantity = s.future_quantity, " +
        "was_futures = s.futures, safety_stock = COALESCE(b.safety_stock, s.safety_stock), " +
        "future_quantity = CASE WHEN b.futures_add_up AND x.applied THEN s.future_quantity + b.future_quantity ELSE b.future_quantity END, " +
        "futures = CASE WHEN b.futures_add_up AND x.applied THEN (SELECT json_group_array(json(f.value)) FROM " +
        "(SELECT value FROM json_each(s.futures) UNION ALL SELECT value FROM json_each(b.futures)) f) ELSE b.futures END " +
        "FROM stock_levels AS s LEFT JOIN import_seen AS x ON x.location_code = s.location_code AND x.sku = s.sku " +
        "WHERE s.location_code = b.location_code AND s.sku = b.sku AND b.applies AND NOT b.created",
        "INSERT INTO group_stock (group_code, sku, on_hand, safety_stock, reserved, future_quantity) " +
        "SELECT g.group_code, b.sku, SUM(b.on_hand - b.was_on_hand), SUM(b.safety_stock - b.was_safety_stock), 0, SUM(b.future_quantity - b.was_future_quantity) " +
        $"FROM import_batch b JOIN {GroupsOfLocations} g ON g.location_code = b.location_code WHERE b.applies AND {Changed} " +
        "GROUP BY g.group_code, b.sku " +
        "HAVING SUM(b.on_hand - b.was_on_hand) <> 0 OR SUM(b.safety_stock - b.was_safety_stock) <> 0 OR SUM(b.future_quantity - b.was_future_quantity) <> 0 " +
        "ON CONFLICT (group_code, sku) DO UPDATE SET on_hand = group_stock.on_hand + excluded.on_hand, " +
        "safety_stock = group_stock.safety_stock + excluded.safety_stock, future_quantity = group_stock.future_quantity + excluded.future_quantity",
        "UPDATE stock_levels AS s SET on_hand = b.on_hand, safety_stock = b.safety_stock, future_quantity = b.future_quantity, futures = b.futures, " +
        "availability_changed = 1, updated_at = $now FROM import_batch AS b " +
        $"WHERE s.location_code = b.location_code AND s.sku = b.sku AND b.applies AND NOT b.created AND {Changed}",
    ];

    private const string Remember =
        "INSERT INTO import_seen (location_code, sku, applied) SELECT location_code, sku, applies FROM import_batch WHERE true " +
        "ON CONFLICT (location_code, sku) DO UPDATE SET applied = import_seen.applied OR excluded.applied";

    private const string Unmentioned =
        "SELECT s.location_code, s.sku FROM stock_levels s WHERE s.location_code IN (SELECT value FROM json_each($locations)) " +
        "AND (s.on_hand <> 0 OR s.future_quantity <> 0 OR s.futures <> '[]') " +
        "AND NOT EXISTS (SELECT 1 FROM import_seen x WHERE x.location_code = s.location_code AND x.sku = s.sku) " +
        "AND (s.location_code, s.sku) > ($after_location, $after_sku) ORDER BY s.location_code, s.sku LIMIT $limit";

    private SqliteConnection Connection => (SqliteConnection)db.Database.GetDbConnection();

    public override Task PrepareAsync(CancellationToken cancellationToken) => ExecuteAsync(CreateTables, cancellationToken);

    public override async Task<HashSet<string>> ClaimAsync(string importId, IReadOnlyCollection<string> recordIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync("DELETE FROM import_ids", cancellationToken);
        await using (var insert = Command("INSERT INTO import_ids (record_id) VALUES ($id)"))
        {
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            foreach (var recordId in recordIds)
            {
                id.Value = recordId;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        var claimed = new HashSet<string>(recordIds.Count, StringComparer.Ordinal);
        await using (var select = Command(Claimable))
        {
            select.Parameters.AddWithValue("$import", importId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) claimed.Add(reader.GetString(0));
        }
        await using (var claim = Command(Claim))
        {
            claim.Parameters.AddWithValue("$import", importId);
            claim.Parameters.AddWithValue("$now", now.UtcTicks);
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }
        return claimed;
    }

    public override async Task ApplyAsync(IReadOnlyList<StockRowChange> rows, bool remember, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync("DELETE FROM import_batch", cancellationToken);
        await using (var insert = Command(
            "INSERT INTO import_batch (location_code, sku, on_hand, safety_stock, future_quantity, futures, applies, futures_add_up) " +
            "VALUES ($location, $sku, $on_hand, $safety_stock, $future_quantity, $futures, $applies, $futures_add_up)"))
        {
            var location = insert.Parameters.Add("$location", SqliteType.Text);
            var sku = insert.Parameters.Add("$sku", SqliteType.Text);
            var onHand = insert.Parameters.Add("$on_hand", SqliteType.Integer);
            var safetyStock = insert.Parameters.Add("$safety_stock", SqliteType.Integer);
            var futureQuantity = insert.Parameters.Add("$future_quantity", SqliteType.Integer);
            var futures = insert.Parameters.Add("$futures", SqliteType.Text);
            var applies = insert.Parameters.Add("$applies", SqliteType.Integer);
            var futuresAddUp = insert.Parameters.Add("$futures_add_up", SqliteType.Integer);
            foreach (var row in rows)
            {
                location.Value = row.Location;
                sku.Value = row.Sku;
                onHand.Value = row.OnHand;
                safetyStock.Value = row.SafetyStock is { } value ? value : DBNull.Value;
                futureQuantity.Value = row.FutureQuantity;
                futures.Value = row.Futures;
                applies.Value = row.Applies;
                futuresAddUp.Value = row.FuturesAddUp;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        foreach (var sql in Apply)
        {
            await using var command = Command(sql);
            if (sql.Contains("$now", StringComparison.Ordinal)) command.Parameters.AddWithValue("$now", now.UtcTicks);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        if (remember) await ExecuteAsync(Remember, cancellationToken);
    }

    public override async Task<IReadOnlyList<(string Location, string Sku)>> UnmentionedAsync(
        IReadOnlyCollection<string> locations, (string Location, string Sku) after, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command(Unmentioned);
        command.Parameters.AddWithValue("$locations", JsonSerializer.Serialize(locations));
        command.Parameters.AddWithValue("$after_location", after.Location);
        command.Parameters.AddWithValue("$after_sku", after.Sku);
        command.Parameters.AddWithValue("$limit", limit);
        var keys = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add((reader.GetString(0), reader.GetString(1)));
        return keys;
    }

    public override Task CleanUpAsync(CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM import_ids; DELETE FROM import_batch; DELETE FROM import_seen;", cancellationToken);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A command on the import's connection, in the caller's transaction when there is one (SQLite insists).</summary>
    private SqliteCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }
}
