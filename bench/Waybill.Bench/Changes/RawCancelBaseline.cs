using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Waybill.Bench.Capture;
using Waybill.Bench.Payments;

namespace Waybill.Bench.Changes;

/// <summary>
/// The raw-SQL limit of submitting a cancel: the least any system must do, on Waybill's own schema (<c>waybill migrate</c>)
/// in a database of its own on the same cluster. One transaction: lock the order row, read every line of the order (the
/// delivery charge's reduction is a share of the whole group), compute each canceled unit's share of its line's amount,
/// promotion and taxes (read from the line's JSON) and the delivery charge's reduction, update the canceled lines and the
/// charge in one statement (<c>unnest</c> of arrays), bump the order's version, insert the change order with its lines as
/// JSON, commit. Two round trips (lock + read; write + commit), prepared statements, one connection, one cancel at a time
/// like the Waybill side. Nothing else: no validation, no events, no history, no stock, no answer — what Waybill's ratio to
/// this prices. The orders are inserted beforehand with generate_series (not measured).
/// </summary>
public sealed class RawCancelBaseline : IAsyncDisposable
{
    private const string LockOrder = "SELECT version FROM orders WHERE id = $1 FOR UPDATE";

    private const string ReadLines = """
        SELECT id, type, quantity_ordered, quantity_canceled, line_amount, changed_amount, changed_adjustment_amount, changed_tax_amount, adjustments, taxes
        FROM order_lines WHERE order_id = $1 ORDER BY position
        """;

    private const string UpdateLines = """
        UPDATE order_lines SET quantity_canceled = quantity_canceled + u.q, changed_amount = changed_amount + u.a,
            changed_adjustment_amount = changed_adjustment_amount + u.adj, changed_tax_amount = changed_tax_amount + u.t
        FROM unnest($1::text[], $2::int[], $3::numeric[], $4::numeric[], $5::numeric[]) AS u(id, q, a, adj, t)
        WHERE order_lines.id = u.id
        """;

    private const string BumpOrder = "UPDATE orders SET version = version + 1, updated_at = now() WHERE id = $1";

    private const string InsertChange = """
        INSERT INTO change_orders (id, order_id, kind, reason, created_at, total_delta, lines) VALUES ($1, $2, 'Cancel', 'customer_request', now(), $3, $4)
        """;

    private const decimal UnitPrice = 20.99m;
    private const int Quantity = 3;

    private readonly NpgsqlDataSource dataSource;

    private RawCancelBaseline(NpgsqlDataSource dataSource) => this.dataSource = dataSource;

    /// <summary>Waybill's schema in the fresh database, and <paramref name="orders"/> orders of <paramref name="lines"/> lines each per size.</summary>
    public static async Task<RawCancelBaseline> CreateAsync(string connectionString, string serverDll, IReadOnlyList<(string Size, int Lines, int Orders)> sizes,
        CancellationToken cancellationToken)
    {
        await RawSqlBaseline.MigrateAsync(connectionString, serverDll, cancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 16,
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
            ApplicationName = "waybill-bench-raw-changes",
        };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var lineAmount = UnitPrice * Quantity;
        var adjustment = -decimal.Round(lineAmount * 0.10m, 2);
        var stateTax = decimal.Round((lineAmount + adjustment) * 0.0625m, 2);
        var cityTax = decimal.Round((lineAmount + adjustment) * 0.0175m, 2);
        var adjustments = $"[{{\"reference\":\"promo-10\",\"amount\":{adjustment.ToString(CultureInfo.InvariantCulture)}}}]";
        var taxes = $"[{{\"name\":\"IL state tax\",\"amount\":{stateTax.ToString(CultureInfo.InvariantCulture)}}},{{\"name\":\"Springfield city tax\",\"amount\":{cityTax.ToString(CultureInfo.InvariantCulture)}}}]";
        const string deliveryTaxes = "[{\"name\":\"Delivery tax\",\"amount\":0.80}]";
        var address = "{\"name\":\"Pat Bench\",\"line1\":\"1 Bench Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"}";
        await using var seed = dataSource.CreateBatch();
        seed.BatchCommands.Add(new NpgsqlBatchCommand(
            "INSERT INTO customers (id, external_id, email, email_key, first_name, last_name, phone, created_at) VALUES ('c1', 'C-1', 'raw@example.com', 'raw@example.com', 'Raw', 'Bench', NULL, now())"));
        foreach (var (size, lines, orders) in sizes)
        {
            foreach (var sql in new[]
            {
                $"""
                INSERT INTO orders (id, order_number, channel, external_reference, status, version, currency_code, taxation, ordered_at, created_at, updated_at,
                    customer_id, billing_address, order_adjustments)
                SELECT '{size}-' || n, 'R-{size}-' || n, 'web', 'R-{size}-' || n, 'Created', 1, 'USD', 'Net', now(), now(), now(), 'c1', NULL, '[]'
                FROM generate_series(0, {orders - 1}) AS n
                """,
                $"""
                INSERT INTO delivery_groups (id, order_id, position, reference, ship_to_key, shipping_address, delivery_method_code, delivery_method_type, delivery_method_location_code)
                SELECT '{size}-' || n || '-g', '{size}-' || n, 0, 'dg1', NULL, '{address}', 'ground', 'Ship', NULL
                FROM generate_series(0, {orders - 1}) AS n
                """,
                $"""
                INSERT INTO order_lines (id, order_id, delivery_group_id, reference, type, sku, name, position, quantity_ordered, quantity_canceled, quantity_allocated,
                    quantity_fulfilled, quantity_reserved, quantity_return_initiated, quantity_returned, unit_price, line_amount, changed_amount,
                    changed_adjustment_amount, changed_tax_amount, adjustments, taxes)
                SELECT '{size}-' || n || '-l' || l, '{size}-' || n, '{size}-' || n || '-g', 'l' || l, 'Product', 'SKU-' || l, 'Item ' || l, l, {Quantity}, 0, 0,
                    0, 0, 0, 0, {UnitPrice.ToString(CultureInfo.InvariantCulture)}, {lineAmount.ToString(CultureInfo.InvariantCulture)}, 0, 0, 0, '{adjustments}', '{taxes}'
                FROM generate_series(0, {orders - 1}) AS n, generate_series(0, {lines - 1}) AS l
                """,
                $"""
                INSERT INTO order_lines (id, order_id, delivery_group_id, reference, type, sku, name, position, quantity_ordered, quantity_canceled, quantity_allocated,
                    quantity_fulfilled, quantity_reserved, quantity_return_initiated, quantity_returned, unit_price, line_amount, changed_amount,
                    changed_adjustment_amount, changed_tax_amount, adjustments, taxes)
                SELECT '{size}-' || n || '-d', '{size}-' || n, '{size}-' || n || '-g', 'dg1:delivery', 'DeliveryCharge', NULL, 'Delivery ground', 1000000, 1, 0, 0,
                    0, 0, 0, 0, 9.99, 9.99, 0, 0, 0, '[]', '{deliveryTaxes}'
                FROM generate_series(0, {orders - 1}) AS n
                """,
            })
            {
                seed.BatchCommands.Add(new NpgsqlBatchCommand(sql));
            }
        }
        await seed.ExecuteNonQueryAsync(cancellationToken);
        await using (var analyze = dataSource.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        return new RawCancelBaseline(dataSource);
    }

    /// <summary>Cancels one unit of every tenth line of each order of <paramref name="size"/>, one order after the other; latency of each.</summary>
    public async Task<RawCancelResult> RunAsync(string size, int orders, int warmup, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var latencies = new List<double>(orders);
        for (var n = 0; n < orders; n++)
        {
            var started = Stopwatch.GetTimestamp();
            await CancelAsync(connection, $"{size}-{n}", cancellationToken);
            if (n >= warmup) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        latencies.Sort();
        return new RawCancelResult(size, latencies.Count, Percentiles.Of(latencies, 0.50), Percentiles.Of(latencies, 0.99));
    }

    /// <summary>Every order of the size has exactly one change order, and a tenth of its lines one unit canceled.</summary>
    public async Task<bool> CheckAsync(string size, int orders, int lines, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM change_orders WHERE order_id LIKE $1) = $2
               AND (SELECT count(*) FROM order_lines WHERE order_id LIKE $1 AND type = 'Product' AND quantity_canceled = 1) = $3
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = size + "-%" });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = orders });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)orders * ChangeBenchOrders.CanceledLineIndexes(lines).Count });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private sealed record LineRow(string Id, bool Product, int Ordered, int Canceled, decimal Amount, decimal Adjustment, decimal Tax);

    private static async Task CancelAsync(NpgsqlConnection connection, string orderId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lines = new List<LineRow>();
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            Add(read, LockOrder, P(orderId));
            Add(read, ReadLines, P(orderId));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(new LineRow(reader.GetString(0), reader.GetString(1) == "Product", reader.GetInt32(2), reader.GetInt32(3),
                    reader.GetDecimal(4) + reader.GetDecimal(5), SumOfAmounts(reader.GetString(8)) + reader.GetDecimal(6),
                    SumOfAmounts(reader.GetString(9)) + reader.GetDecimal(7)));
            }
        }

        // One unit from the back of every tenth product line: the unit's share is what is left minus what is left after it.
        var products = lines.Where(l => l.Product).ToList();
        var ids = new List<string>();
        var quantities = new List<int>();
        var amounts = new List<decimal>();
        var adjustments = new List<decimal>();
        var taxes = new List<decimal>();
        var json = new StringBuilder("[");
        decimal total = 0, keptWeight = 0, allWeight = 0;
        for (var i = 0; i < products.Count; i++)
        {
            var line = products[i];
            var left = line.Ordered - line.Canceled;
            allWeight += line.Amount + line.Adjustment;
            if (i % 10 != 0 || left < 1)
            {
                keptWeight += line.Amount + line.Adjustment;
                continue;
            }
            decimal Share(decimal whole) => whole - decimal.Round(whole * (left - 1) / left, 2);
            var (a, adj, t) = (-Share(line.Amount), -Share(line.Adjustment), -Share(line.Tax));
            keptWeight += line.Amount + line.Adjustment + a + adj;
            Delta(line.Id, 1, a, adj, t);
        }
        foreach (var charge in lines.Where(l => !l.Product))
        {
            // The charge follows the share of the group's value canceled.
            var kept = allWeight == 0 ? 1 : keptWeight / allWeight;
            Delta(charge.Id, 0, decimal.Round(charge.Amount * kept, 2) - charge.Amount, 0, decimal.Round(charge.Tax * kept, 2) - charge.Tax);
        }
        json.Append(']');

        await using var write = new NpgsqlBatch(connection, transaction);
        Add(write, UpdateLines, new NpgsqlParameter<string[]> { TypedValue = [.. ids] }, new NpgsqlParameter<int[]> { TypedValue = [.. quantities] },
            Numbers(amounts), Numbers(adjustments), Numbers(taxes));
        Add(write, BumpOrder, P(orderId));
        Add(write, InsertChange, P(Guid.CreateVersion7().ToString("N")), P(orderId),
            new NpgsqlParameter<decimal> { TypedValue = total, NpgsqlDbType = NpgsqlDbType.Numeric }, P(json.ToString()));
        await write.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        void Delta(string id, int quantity, decimal amount, decimal adjustment, decimal tax)
        {
            ids.Add(id);
            quantities.Add(quantity);
            amounts.Add(amount);
            adjustments.Add(adjustment);
            taxes.Add(tax);
            total += amount + adjustment + tax;
            if (json.Length > 1) json.Append(',');
            json.Append("{\"orderLineId\":\"").Append(id).Append("\",\"quantityDelta\":").Append(-quantity)
                .Append(",\"amountDelta\":").Append(amount.ToString(CultureInfo.InvariantCulture))
                .Append(",\"adjustmentDelta\":").Append(adjustment.ToString(CultureInfo.InvariantCulture))
                .Append(",\"taxDelta\":").Append(tax.ToString(CultureInfo.InvariantCulture)).Append('}');
        }
    }

    private static decimal SumOfAmounts(string json)
    {
        decimal sum = 0;
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.TryGetProperty("amount", out var amount) || item.TryGetProperty("Amount", out amount)) sum += amount.GetDecimal();
        }
        return sum;
    }

    private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlParameter<string> P(string value) => new() { TypedValue = value };

    private static NpgsqlParameter<decimal[]> Numbers(List<decimal> values) =>
        new() { TypedValue = [.. values], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric };
}

/// <summary>The raw-SQL side of one size in one run (ms, one cancel at a time).</summary>
public sealed record RawCancelResult(string Size, int Cancels, double? SubmitP50Ms, double? SubmitP99Ms);
