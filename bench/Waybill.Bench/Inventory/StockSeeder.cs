using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Waybill.Bench.Inventory;

/// <summary>
/// Gives every (location, SKU) pair of a benchmark its stock, after the locations and groups were created through the API.
/// On PostgreSQL the rows go in by <c>COPY</c> into <c>stock_levels</c>, and <c>group_stock</c> is summed from them in one
/// statement, the way the server sums a group afresh (its active member locations; <c>all</c> = every active location) —
/// tens of thousands of rows in a second or two. On SQLite (no driver in the bench) each pair is one
/// <c>PUT /api/v1/inventory/{location}/{sku}</c>, 16 at a time. Either way the result is checked through the API
/// afterwards (<see cref="StockCheck"/>), so a seed that disagrees with the server's own bookkeeping fails the run.
/// </summary>
public static class StockSeeder
{
    private const string Copy =
        "COPY stock_levels (location_code, sku, on_hand, safety_stock, reserved, future_quantity, futures, availability_changed, updated_at) FROM STDIN (FORMAT BINARY)";

    // Sums of the active member locations, per group and SKU (the benchmarks make no reservation at a group before the
    // load, so those add nothing). The rows are set, not added to: stock_levels held nothing before the COPY.
    private const string SumGroups = """
        INSERT INTO group_stock (group_code, sku, on_hand, safety_stock, reserved, future_quantity)
        SELECT 'all', s.sku, SUM(s.on_hand), SUM(s.safety_stock), SUM(s.reserved), SUM(s.future_quantity)
        FROM stock_levels s JOIN locations l ON l.code = s.location_code WHERE l.active GROUP BY s.sku
        UNION ALL
        SELECT m.group_code, s.sku, SUM(s.on_hand), SUM(s.safety_stock), SUM(s.reserved), SUM(s.future_quantity)
        FROM stock_levels s JOIN location_group_members m ON m.location_code = s.location_code JOIN locations l ON l.code = s.location_code
        WHERE l.active GROUP BY m.group_code, s.sku
        ON CONFLICT (group_code, sku) DO UPDATE SET on_hand = excluded.on_hand, safety_stock = excluded.safety_stock,
            reserved = excluded.reserved, future_quantity = excluded.future_quantity
        """;

    /// <summary>Seeds <paramref name="onHand"/>(location index, SKU index) of every SKU at every location; returns how long it took.</summary>
    public static async Task<TimeSpan> SeedAsync(
        InventoryHttp api,
        string? postgresConnection,
        IReadOnlyList<string> locations,
        IReadOnlyList<string> skus,
        Func<int, int, long> onHand,
        Func<int, int, long> safetyStock,
        CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (postgresConnection is not null)
        {
            await CopyAsync(postgresConnection, locations, skus, onHand, safetyStock, cancellationToken);
        }
        else
        {
            await PutAllAsync(api, locations, skus, onHand, safetyStock, cancellationToken);
        }

        return watch.Elapsed;
    }

    private static async Task CopyAsync(
        string connectionString, IReadOnlyList<string> locations, IReadOnlyList<string> skus, Func<int, int, long> onHand, Func<int, int, long> safetyStock,
        CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync(cancellationToken);
        var now = DateTime.UtcNow;
        await using (var copy = await connection.BeginBinaryImportAsync(Copy, cancellationToken))
        {
            for (var l = 0; l < locations.Count; l++)
            {
                for (var s = 0; s < skus.Count; s++)
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(locations[l], NpgsqlDbType.Varchar, cancellationToken);
                    await copy.WriteAsync(skus[s], NpgsqlDbType.Varchar, cancellationToken);
                    await copy.WriteAsync(onHand(l, s), NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteAsync(safetyStock(l, s), NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteAsync(0L, NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteAsync(0L, NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteAsync("[]", NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        foreach (var sql in new[] { SumGroups, "ANALYZE stock_levels, group_stock, locations, location_group_members" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The bench's own connections to Waybill's database are not pooled: the next run drops the database (closing every
    /// session), and a pooled connection would then fail the run's first use of it.
    /// </summary>
    public static string Unpooled(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static async Task PutAllAsync(
        InventoryHttp api, IReadOnlyList<string> locations, IReadOnlyList<string> skus, Func<int, int, long> onHand, Func<int, int, long> safetyStock,
        CancellationToken cancellationToken)
    {
        var pairs = Enumerable.Range(0, locations.Count).SelectMany(l => Enumerable.Range(0, skus.Count).Select(s => (l, s)));
        await Parallel.ForEachAsync(
            pairs,
            new ParallelOptions { MaxDegreeOfParallelism = InventoryHttp.SetupParallelism, CancellationToken = cancellationToken },
            async (pair, token) => await api.PutStockAsync(locations[pair.l], skus[pair.s], onHand(pair.l, pair.s), safetyStock(pair.l, pair.s), token));
    }
}
