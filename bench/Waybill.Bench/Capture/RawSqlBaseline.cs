using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Waybill.Bench.Capture;

/// <summary>
/// The raw-SQL limit: the fastest plain Npgsql can write the rows that capturing one order writes in Waybill, one
/// transaction per order, on the same PostgreSQL cluster and with the same number of clients as Waybill.
/// Waybill's orders/s divided by this one says how much the server, EF Core and HTTP cost.
///
/// Same rows: the raw database gets Waybill's own schema (tables, indexes, sequences) by running
/// <c>waybill migrate</c> on it, and each order writes what a Waybill capture writes — the customer when new, the
/// order, its delivery groups, its product and delivery-charge lines (adjustments, taxes and addresses as JSON
/// text, as Waybill stores them), its payment summaries, one outbox event, one audit entry and one idempotency
/// record. It takes every shortcut a hand-tuned writer could: one connection held per client, prepared statements,
/// every row of an order in a single <see cref="NpgsqlBatch"/> round trip (one implicit transaction: all rows or
/// none), the customer found inside the batch instead of by a read first, and the request body stored where
/// Waybill stores the order JSON it computes (Waybill's is about twice as long).
/// </summary>
public sealed class RawSqlBaseline : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // An existing customer (same email key, or same externalId) is left as it is; the order finds it by email key.
    private const string InsertCustomer = """
        INSERT INTO customers (id, external_id, email, email_key, first_name, last_name, phone, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, now())
        ON CONFLICT DO NOTHING
        """;

    private const string InsertOrder = """
        INSERT INTO orders (id, order_number, channel, external_reference, status, status_before_hold, version, currency_code,
            taxation, ordered_at, created_at, updated_at, customer_id, billing_address, order_adjustments)
        VALUES ($1, 'WB-' || lpad(nextval('order_numbers')::text, 6, '0'), $2, $3, 'Created', NULL, 1, $4,
            $5, $6, now(), now(), (SELECT id FROM customers WHERE email_key = $7), $8, $9)
        """;

    private const string InsertDeliveryGroup = """
        INSERT INTO delivery_groups (id, order_id, reference, position, delivery_method_code, delivery_method_type,
            delivery_method_location_code, shipping_address)
        VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)
        """;

    private const string InsertLine = """
        INSERT INTO order_lines (id, order_id, delivery_group_id, reference, type, sku, name, position,
            quantity_ordered, quantity_canceled, quantity_allocated, quantity_fulfilled, quantity_return_initiated, quantity_returned,
            unit_price, line_amount, adjustments, taxes)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, 0, 0, 0, $10, $11, $12, $13)
        """;

    private const string InsertPayment = """
        INSERT INTO payment_summaries (id, order_id, position, method, gateway, gateway_reference,
            authorized_amount, captured_amount, refunded_amount, reversed_amount, authorization_expires_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, NULL)
        """;

    private const string InsertOutbox = """
        INSERT INTO outbox_events (id, type, subject, time, data) VALUES ($1, 'order.created', $2, now(), $3)
        """;

    private const string InsertAudit = """
        INSERT INTO audit_entries (entity_type, entity_id, action, actor, at, from_status, to_status, reason, changes)
        VALUES ('order', $1, 'capture', 'api_key:bench', now(), NULL, 'created', NULL, NULL)
        """;

    private const string InsertIdempotency = """
        INSERT INTO idempotency_records (api_key_id, path, key, request_hash, status_code, location, body, created_at)
        VALUES ('bench', '/api/v1/orders', $1, $2, 201, $3, $4, now())
        """;

    private static readonly string[] Tables =
        ["customers", "orders", "delivery_groups", "order_lines", "payment_summaries", "outbox_events", "audit_entries", "idempotency_records"];

    private readonly NpgsqlDataSource dataSource;

    private RawSqlBaseline(NpgsqlDataSource dataSource) => this.dataSource = dataSource;

    /// <summary>Gives the (fresh, empty) database Waybill's schema with <c>waybill migrate</c> and returns a writer for it.</summary>
    public static async Task<RawSqlBaseline> CreateAsync(string connectionString, string serverDll, CancellationToken cancellationToken)
    {
        await MigrateAsync(connectionString, serverDll, cancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Every statement above is reused by every order: prepare each on every connection.
            MaxAutoPrepare = 32,
            AutoPrepareMinUsages = 2,
            // Connections are held for the whole run; nothing to reset between orders.
            NoResetOnClose = true,
            ApplicationName = "waybill-bench-raw",
        };
        return new RawSqlBaseline(NpgsqlDataSource.Create(builder.ConnectionString));
    }

    internal static async Task MigrateAsync(string connectionString, string serverDll, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(serverDll);
        start.ArgumentList.Add("migrate");
        start.ArgumentList.Add("--database");
        start.ArgumentList.Add(connectionString);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet " + serverDll + " migrate'.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"waybill migrate failed ({process.ExitCode}): {await output}{await error}");
    }

    /// <summary>A client for <see cref="ClosedLoop"/>: opens and keeps its own connection.</summary>
    public async Task<ICaptureClient> CreateClientAsync(int index, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return new Writer(connection);
    }

    /// <summary>Row counts per table, to check after a run that every order wrote what it should.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
#pragma warning disable CA2100 // Table names come from the constant list above.
            await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {table}");
#pragma warning restore CA2100
            counts[table] = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return counts;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private sealed class Writer(NpgsqlConnection connection) : ICaptureClient
    {
        private byte[] body = [];

        public async ValueTask<CaptureAttempt> CaptureAsync(GeneratedOrder order, long sequence, CancellationToken cancellationToken)
        {
            if (body.Length < order.BodyLength)
            {
                body = new byte[order.BodyLength * 2];
            }

            // The same bytes Waybill would receive: hashed for the idempotency record, stored as the order JSON.
            var length = order.WriteBody(sequence, body);
            var requestHash = Convert.ToHexStringLower(SHA256.HashData(body.AsSpan(0, length)));
            var json = Encoding.UTF8.GetString(body, 0, length);

            await using var batch = BuildBatch(order, order.ExternalReference(sequence), json, requestHash, Guid.NewGuid().ToString());
            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
                return CaptureAttempt.Success;
            }
            catch (PostgresException exception)
            {
                return CaptureAttempt.Failure(exception.SqlState, exception.MessageText);
            }
            catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
            {
                return CaptureAttempt.Failure("connection", exception.Message);
            }
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();

        private NpgsqlBatch BuildBatch(GeneratedOrder order, string externalReference, string json, string requestHash, string idempotencyKey)
        {
            var request = order.Request;
            var orderId = NewId();
            var batch = new NpgsqlBatch(connection);

            var customer = request.Customer;
            var emailKey = customer.Email.Trim().ToLowerInvariant();
            Add(batch, InsertCustomer, P(NewId()), P(customer.ExternalId), P(customer.Email), P(emailKey), P(customer.FirstName), P(customer.LastName), P(customer.Phone));

            Add(
                batch,
                InsertOrder,
                P(orderId), P(request.Channel), P(externalReference), P(request.Currency), P(request.Taxation == "gross" ? "Gross" : "Net"),
                P(DateTime.Parse(request.OrderedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)),
                P(emailKey), P(JsonSerializer.Serialize(request.BillingAddress, Json)), P(JsonSerializer.Serialize(request.OrderAdjustments, Json)));

            for (var g = 0; g < request.DeliveryGroups.Count; g++)
            {
                var group = request.DeliveryGroups[g];
                var groupId = NewId();
                Add(batch, InsertDeliveryGroup, P(groupId), P(orderId), P(group.Reference), P(g), P(group.DeliveryMethod.Code),
                    P(group.DeliveryMethod.Type == "pickup" ? "Pickup" : "Ship"), P(JsonSerializer.Serialize(group.ShippingAddress, Json)));

                var position = 0;
                foreach (var line in group.Lines)
                {
                    Add(batch, InsertLine, P(NewId()), P(orderId), P(groupId), P(line.Reference), P("Product"), P(line.Sku), P(line.Name), P(position++),
                        P(line.Quantity), P(line.UnitPrice), P(line.UnitPrice * line.Quantity),
                        P(JsonSerializer.Serialize(line.Adjustments, Json)), P(JsonSerializer.Serialize(line.Taxes, Json)));
                }

                // The delivery charge is a line of its own, as in Waybill.
                var charge = group.DeliveryCharge;
                Add(batch, InsertLine, P(NewId()), P(orderId), P(groupId), P(group.Reference + ":delivery"), P("DeliveryCharge"), P((string?)null),
                    P("Delivery " + group.DeliveryMethod.Code), P(position), P(1), P(charge.Amount), P(charge.Amount),
                    P(JsonSerializer.Serialize(charge.Adjustments, Json)), P($"[{{\"name\":\"Delivery tax\",\"rate\":null,\"amount\":{charge.TaxAmount}}}]"));
            }

            for (var p = 0; p < request.Payments.Count; p++)
            {
                var payment = request.Payments[p];
                Add(batch, InsertPayment, P(NewId()), P(orderId), P(p), P(payment.Method), P(payment.Gateway), P(payment.GatewayReference),
                    P(payment.AuthorizedAmount), P(payment.CapturedAmount));
            }

            Add(batch, InsertOutbox, P(NewId()), P(orderId), P(json));
            Add(batch, InsertAudit, P(orderId));
            Add(batch, InsertIdempotency, P(idempotencyKey), P(requestHash), P("/api/v1/orders/" + orderId), P(json));
            return batch;
        }

        private static string NewId() => Guid.CreateVersion7().ToString("N");

        private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddRange(parameters);
            batch.BatchCommands.Add(command);
        }

        // Positional parameters with a fixed PostgreSQL type even when null: an untyped null changes the
        // statement's parameter types, and Npgsql then sends it unprepared.
        private static NpgsqlParameter<int> P(int value) => new() { TypedValue = value };

        private static NpgsqlParameter<decimal> P(decimal value) => new() { TypedValue = value };

        private static NpgsqlParameter<DateTime> P(DateTime value) => new() { TypedValue = value };

        private static NpgsqlParameter P(string? value) =>
            value is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text } : new NpgsqlParameter<string> { TypedValue = value };
    }
}
