using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Payments;

/// <summary>
/// The raw-SQL limit of invoicing a shipment and capturing its money: the least any system must do per invoice when
/// the gateway call stays outside transactions. One transaction inserts the invoice, its lines and the pending capture
/// (the intent, written before the call so a crash can be settled); then the gateway — a <see cref="Task.Delay(int)"/> of
/// the mock's latency, no transaction open; then one transaction records the answer: the payment's captured amount,
/// the capture row and the invoice, paid. Each transaction is one <see cref="NpgsqlBatch"/> (one round trip, one implicit
/// transaction), prepared statements, one connection per client, on Waybill's own schema (<c>waybill migrate</c>), with
/// the orders and their authorizations inserted beforehand (not measured). Nothing else: no events, no history, no
/// flow run, no reading of the order — which is what Waybill's ratio to this prices.
/// </summary>
public sealed class RawInvoicingBaseline : IAsyncDisposable
{
    private const string InsertInvoice = """
        INSERT INTO invoices (id, order_id, shipment_id, change_order_id, status, currency_code, total_amount, paid_amount, version, created_at, updated_at)
        VALUES ($1, $2, $3, NULL, 'Open', 'USD', $4, 0, 1, now(), now())
        """;

    private const string InsertInvoiceLine = """
        INSERT INTO invoice_lines (invoice_id, position, order_line_id, type, first_unit, quantity, amount, adjustment_amount, tax_amount, total_amount)
        VALUES ($1, $2, $3, 'Product', 0, 1, $4, 0, 0, $4)
        """;

    private const string InsertCapture = """
        INSERT INTO payment_interactions (id, order_id, payment_id, gateway, type, amount, result, answered, gateway_reference, message, code,
            invoice_id, credit_memo_id, requested_at, at, version)
        VALUES ($1, $2, $3, 'mock', 'Capture', $4, 'Pending', false, NULL, NULL, NULL, $5, NULL, now(), now(), 1)
        """;

    private const string CapturePayment = "UPDATE payment_summaries SET captured_amount = captured_amount + $2 WHERE id = $1";

    private const string SettleCapture = """
        UPDATE payment_interactions SET result = 'Success', answered = true, gateway_reference = $2, at = now(), version = version + 1 WHERE id = $1
        """;

    private const string PayInvoice = """
        UPDATE invoices SET status = 'Paid', paid_amount = total_amount, version = version + 1, updated_at = now() WHERE id = $1
        """;

    // Lines per invoice cycle 1, 2, 3 like the benchmark's orders; each line 10.00, the invoice their sum.
    private const decimal LineAmount = 10.00m;

    private readonly NpgsqlDataSource dataSource;
    private readonly int invoices;

    private RawInvoicingBaseline(NpgsqlDataSource dataSource, int invoices)
    {
        this.dataSource = dataSource;
        this.invoices = invoices;
    }

    /// <summary>Gives the fresh database Waybill's schema and one order with one card authorization per invoice to come.</summary>
    public static async Task<RawInvoicingBaseline> CreateAsync(string connectionString, string serverDll, int invoices, CancellationToken cancellationToken)
    {
        await RawSqlBaseline.MigrateAsync(connectionString, serverDll, cancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 16,
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
            ApplicationName = "waybill-bench-raw-invoicing",
        };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var seed = dataSource.CreateBatch())
        {
            foreach (var sql in new[]
            {
                "INSERT INTO customers (id, external_id, email, email_key, first_name, last_name, phone, created_at) VALUES ('c1', 'C-1', 'raw@example.com', 'raw@example.com', 'Raw', 'Bench', NULL, now())",
                $"""
                INSERT INTO orders (id, order_number, channel, external_reference, status, version, currency_code, taxation, ordered_at, created_at, updated_at,
                    customer_id, billing_address, order_adjustments)
                SELECT 'o' || n, 'R-' || n, 'web', 'R-' || n, 'Fulfilled', 1, 'USD', 'Net', now(), now(), now(), 'c1', NULL, '[]'
                FROM generate_series(0, {invoices - 1}) AS n
                """,
                $"""
                INSERT INTO payment_summaries (id, order_id, position, method, gateway, gateway_reference, authorized_amount, captured_amount,
                    refunded_amount, reversed_amount, authorization_expires_at)
                SELECT 'p' || n, 'o' || n, 0, 'card', 'mock', 'auth_ok_' || n, {LineAmount} * (n % 3 + 1), 0, 0, 0, NULL
                FROM generate_series(0, {invoices - 1}) AS n
                """,
            })
            {
                seed.BatchCommands.Add(new NpgsqlBatchCommand(sql));
            }
            await seed.ExecuteNonQueryAsync(cancellationToken);
        }

        return new RawInvoicingBaseline(dataSource, invoices);
    }

    /// <summary>
    /// Invoices and captures every order once, <paramref name="clients"/> at a time (each takes the next order when it is
    /// done with one); the rate is invoices over the wall time from the first start to the last capture recorded.
    /// </summary>
    public async Task<RawInvoicingResult> RunAsync(int clients, int gatewayLatencyMs, CancellationToken cancellationToken)
    {
        var next = -1;
        var latencies = new double[invoices];
        var connections = new NpgsqlConnection[clients];
        for (var c = 0; c < clients; c++) connections[c] = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(connections.Select(async connection =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < invoices)
                {
                    var started = Stopwatch.GetTimestamp();
                    await InvoiceAndCaptureAsync(connection, n, gatewayLatencyMs, cancellationToken);
                    latencies[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }));
            var seconds = wall.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            return new RawInvoicingResult(invoices, seconds, invoices / seconds,
                Percentiles.Of(latencies, 0.50), Percentiles.Of(latencies, 0.95), Percentiles.Of(latencies, 0.99));
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }

    /// <summary>Every invoice paid, and every payment captured for exactly its invoice: the run did all its work.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT count(*) FROM invoices WHERE status = 'Paid') = $1
               AND (SELECT count(*) FROM payment_interactions WHERE answered) = $1
               AND NOT EXISTS (SELECT 1 FROM payment_summaries p JOIN invoices i ON i.order_id = p.order_id WHERE p.captured_amount <> i.total_amount)
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = invoices });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private static async Task InvoiceAndCaptureAsync(NpgsqlConnection connection, int n, int gatewayLatencyMs, CancellationToken cancellationToken)
    {
        var order = "o" + n;
        var payment = "p" + n;
        var invoice = Guid.CreateVersion7().ToString("N");
        var capture = Guid.CreateVersion7().ToString("N");
        var lines = n % 3 + 1;
        var total = LineAmount * lines;

        await using (var intent = new NpgsqlBatch(connection))
        {
            Add(intent, InsertInvoice, P(invoice), P(order), P("s" + n), P(total));
            for (var line = 0; line < lines; line++)
                Add(intent, InsertInvoiceLine, P(invoice), P(line), P($"{order}-l{line}"), P(LineAmount));
            Add(intent, InsertCapture, P(capture), P(order), P(payment), P(total), P(invoice));
            await intent.ExecuteNonQueryAsync(cancellationToken);
        }

        // The gateway: no transaction is open while it answers.
        await Task.Delay(gatewayLatencyMs, cancellationToken);

        await using var settle = new NpgsqlBatch(connection);
        Add(settle, CapturePayment, P(payment), P(total));
        Add(settle, SettleCapture, P(capture), P("cap_" + capture));
        Add(settle, PayInvoice, P(invoice));
        await settle.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlParameter<int> P(int value) => new() { TypedValue = value };

    private static NpgsqlParameter<decimal> P(decimal value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Numeric };

    private static NpgsqlParameter<string> P(string value) => new() { TypedValue = value };
}

/// <summary>The raw-SQL side of one run.</summary>
public sealed record RawInvoicingResult(int Invoices, double Seconds, double InvoicesPerSecond, double? P50Ms, double? P95Ms, double? P99Ms);

internal static class Percentiles
{
    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static double? Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];
}
