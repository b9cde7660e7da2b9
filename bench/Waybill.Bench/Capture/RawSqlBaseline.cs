using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Waybill.Bench.Capture;

/// <summary>
/// The raw-SQL limit: the fastest plain Npgsql can write the rows that capturing one order writes, one
/// transaction per order, on the same PostgreSQL cluster and with the same number of clients as Waybill.
/// Waybill's orders/s divided by this one says how much the server, EF Core and HTTP cost.
///
/// It is meant as a fair best case, so it takes every shortcut a hand-tuned writer could:
/// one connection held per client (no pool round trips), client-generated UUIDv7 keys (b-tree friendly),
/// auto-prepared statements, and every row of an order sent in a single <see cref="NpgsqlBatch"/> round trip
/// (a batch without an explicit transaction runs as one implicit transaction: all rows or none).
/// It does not deserialize or validate JSON; it writes the request body where Waybill writes the order JSON.
///
/// THE SCHEMA BELOW IS A MODEL, NOT WAYBILL'S. It was written before the server's tables existed and follows
/// EF Core conventions (an index on every foreign key). When the server's schema settles, align
/// <see cref="Schema"/> and the INSERTs here with the server's real tables, columns and indexes, so both sides
/// write the same rows and indexes.
/// </summary>
public sealed class RawSqlBaseline : IAsyncDisposable
{
    public const string Schema = """
        CREATE TABLE customers (
            id uuid PRIMARY KEY,
            email text NOT NULL,
            external_id text,
            first_name text,
            last_name text,
            phone text,
            created_at timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX ux_customers_email ON customers (email);

        CREATE SEQUENCE order_number_seq START WITH 100001;

        CREATE TABLE orders (
            id uuid PRIMARY KEY,
            order_number bigint NOT NULL DEFAULT nextval('order_number_seq'),
            channel text NOT NULL,
            external_reference text NOT NULL,
            status text NOT NULL,
            payment_status text NOT NULL,
            version integer NOT NULL,
            currency char(3) NOT NULL,
            taxation text NOT NULL,
            ordered_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            customer_id uuid NOT NULL REFERENCES customers (id),
            billing_name text NOT NULL,
            billing_line1 text NOT NULL,
            billing_line2 text,
            billing_city text NOT NULL,
            billing_region text,
            billing_postal_code text,
            billing_country char(2) NOT NULL,
            subtotal_amount numeric(18, 2) NOT NULL,
            line_adjustment_amount numeric(18, 2) NOT NULL,
            order_adjustment_amount numeric(18, 2) NOT NULL,
            delivery_amount numeric(18, 2) NOT NULL,
            tax_amount numeric(18, 2) NOT NULL,
            total_amount numeric(18, 2) NOT NULL,
            authorized_amount numeric(18, 2) NOT NULL,
            captured_amount numeric(18, 2) NOT NULL
        );
        CREATE UNIQUE INDEX ux_orders_order_number ON orders (order_number);
        CREATE UNIQUE INDEX ux_orders_channel_external_reference ON orders (channel, external_reference);
        CREATE INDEX ix_orders_customer_id ON orders (customer_id);

        CREATE TABLE order_delivery_groups (
            id uuid PRIMARY KEY,
            order_id uuid NOT NULL REFERENCES orders (id),
            reference text NOT NULL,
            delivery_method_code text NOT NULL,
            delivery_method_type text NOT NULL,
            status text NOT NULL,
            ship_name text NOT NULL,
            ship_line1 text NOT NULL,
            ship_line2 text,
            ship_city text NOT NULL,
            ship_region text,
            ship_postal_code text,
            ship_country char(2) NOT NULL,
            ship_latitude numeric(9, 6),
            ship_longitude numeric(9, 6),
            created_at timestamptz NOT NULL
        );
        CREATE INDEX ix_order_delivery_groups_order_id ON order_delivery_groups (order_id);

        CREATE TABLE order_lines (
            id uuid PRIMARY KEY,
            order_id uuid NOT NULL REFERENCES orders (id),
            delivery_group_id uuid NOT NULL REFERENCES order_delivery_groups (id),
            reference text NOT NULL,
            line_type text NOT NULL,
            position integer NOT NULL,
            status text NOT NULL,
            sku text,
            name text NOT NULL,
            quantity integer NOT NULL,
            quantity_allocated integer NOT NULL,
            quantity_shipped integer NOT NULL,
            quantity_cancelled integer NOT NULL,
            quantity_returned integer NOT NULL,
            unit_price numeric(18, 2) NOT NULL,
            line_amount numeric(18, 2) NOT NULL,
            adjustment_amount numeric(18, 2) NOT NULL,
            adjusted_amount numeric(18, 2) NOT NULL,
            tax_amount numeric(18, 2) NOT NULL,
            total_amount numeric(18, 2) NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE INDEX ix_order_lines_order_id ON order_lines (order_id);
        CREATE INDEX ix_order_lines_delivery_group_id ON order_lines (delivery_group_id);

        -- Order-level adjustments have no line: line_id is null.
        CREATE TABLE order_line_adjustments (
            id uuid PRIMARY KEY,
            order_id uuid NOT NULL REFERENCES orders (id),
            line_id uuid REFERENCES order_lines (id),
            reference text NOT NULL,
            description text,
            amount numeric(18, 2) NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX ix_order_line_adjustments_order_id ON order_line_adjustments (order_id);
        CREATE INDEX ix_order_line_adjustments_line_id ON order_line_adjustments (line_id);

        CREATE TABLE order_line_taxes (
            id uuid PRIMARY KEY,
            line_id uuid NOT NULL REFERENCES order_lines (id),
            name text NOT NULL,
            rate numeric(9, 6) NOT NULL,
            amount numeric(18, 2) NOT NULL
        );
        CREATE INDEX ix_order_line_taxes_line_id ON order_line_taxes (line_id);

        -- Not in the first sketch of the rows, but an order's card payment has to be stored somewhere.
        CREATE TABLE order_payments (
            id uuid PRIMARY KEY,
            order_id uuid NOT NULL REFERENCES orders (id),
            method text NOT NULL,
            gateway text NOT NULL,
            gateway_reference text,
            status text NOT NULL,
            authorized_amount numeric(18, 2) NOT NULL,
            captured_amount numeric(18, 2) NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX ix_order_payments_order_id ON order_payments (order_id);

        CREATE TABLE outbox_events (
            id uuid PRIMARY KEY,
            type text NOT NULL,
            subject text NOT NULL,
            time timestamptz NOT NULL,
            data jsonb NOT NULL,
            published_at timestamptz
        );
        -- The relay polls for unpublished events in order.
        CREATE INDEX ix_outbox_events_unpublished ON outbox_events (time) WHERE published_at IS NULL;

        CREATE TABLE order_history (
            id uuid PRIMARY KEY,
            order_id uuid NOT NULL REFERENCES orders (id),
            version integer NOT NULL,
            event_type text NOT NULL,
            actor text NOT NULL,
            occurred_at timestamptz NOT NULL
        );
        CREATE INDEX ix_order_history_order_id ON order_history (order_id);

        CREATE TABLE idempotency_records (
            key text PRIMARY KEY,
            request_hash bytea NOT NULL,
            status_code integer NOT NULL,
            response_body text NOT NULL,
            created_at timestamptz NOT NULL
        );
        """;

    // Upsert-or-select: an existing customer is left as it is; the order INSERT below finds it by email.
    // Under READ COMMITTED each statement of the batch takes a fresh snapshot, so it also sees a customer
    // that a concurrent order committed while this one waited on the unique index.
    private const string InsertCustomer = """
        INSERT INTO customers (id, email, external_id, first_name, last_name, phone, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, now())
        ON CONFLICT (email) DO NOTHING
        """;

    private const string InsertOrder = """
        INSERT INTO orders (id, channel, external_reference, status, payment_status, version, currency, taxation,
            ordered_at, created_at, updated_at, customer_id,
            billing_name, billing_line1, billing_line2, billing_city, billing_region, billing_postal_code, billing_country,
            subtotal_amount, line_adjustment_amount, order_adjustment_amount, delivery_amount, tax_amount, total_amount,
            authorized_amount, captured_amount)
        VALUES ($1, $2, $3, 'open', 'authorized', 1, $4, $5,
            $6, now(), now(), (SELECT id FROM customers WHERE email = $7),
            $8, $9, $10, $11, $12, $13, $14,
            $15, $16, $17, $18, $19, $20, $21, $22)
        RETURNING order_number
        """;

    private const string InsertDeliveryGroup = """
        INSERT INTO order_delivery_groups (id, order_id, reference, delivery_method_code, delivery_method_type, status,
            ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country, ship_latitude, ship_longitude,
            created_at)
        VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
        """;

    private const string InsertLine = """
        INSERT INTO order_lines (id, order_id, delivery_group_id, reference, line_type, position, status, sku, name,
            quantity, quantity_allocated, quantity_shipped, quantity_cancelled, quantity_returned,
            unit_price, line_amount, adjustment_amount, adjusted_amount, tax_amount, total_amount, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, 0, 0, 0, 0, $10, $11, $12, $13, $14, $15, now(), now())
        """;

    private const string InsertAdjustment = """
        INSERT INTO order_line_adjustments (id, order_id, line_id, reference, description, amount, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, now())
        """;

    private const string InsertTax = """
        INSERT INTO order_line_taxes (id, line_id, name, rate, amount) VALUES ($1, $2, $3, $4, $5)
        """;

    private const string InsertPayment = """
        INSERT INTO order_payments (id, order_id, method, gateway, gateway_reference, status, authorized_amount, captured_amount, created_at)
        VALUES ($1, $2, $3, $4, $5, 'authorized', $6, $7, now())
        """;

    private const string InsertOutbox = """
        INSERT INTO outbox_events (id, type, subject, time, data) VALUES ($1, 'order.created', $2, now(), $3)
        """;

    private const string InsertHistory = """
        INSERT INTO order_history (id, order_id, version, event_type, actor, occurred_at) VALUES ($1, $2, 1, 'created', 'api-key:bench', now())
        """;

    private const string InsertIdempotency = """
        INSERT INTO idempotency_records (key, request_hash, status_code, response_body, created_at) VALUES ($1, $2, 201, $3, now())
        """;

    private readonly NpgsqlDataSource dataSource;

    private RawSqlBaseline(NpgsqlDataSource dataSource) => this.dataSource = dataSource;

    /// <summary>Creates the tables in the (fresh, empty) database and returns a writer for it.</summary>
    public static async Task<RawSqlBaseline> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Every statement above is reused by every order: prepare each on every connection.
            MaxAutoPrepare = 32,
            AutoPrepareMinUsages = 2,
            // Connections are held for the whole run; nothing to reset between orders.
            NoResetOnClose = true,
            ApplicationName = "waybill-bench-raw",
        };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            await using var command = dataSource.CreateCommand(Schema);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        return new RawSqlBaseline(dataSource);
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
        string[] tables =
        [
            "customers", "orders", "order_delivery_groups", "order_lines", "order_line_adjustments", "order_line_taxes",
            "order_payments", "outbox_events", "order_history", "idempotency_records",
        ];
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
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
            var requestHash = SHA256.HashData(body.AsSpan(0, length));
            var json = Encoding.UTF8.GetString(body, 0, length);
            var idempotencyKey = Guid.NewGuid().ToString();

            await using var batch = BuildBatch(order, order.ExternalReference(sequence), json, requestHash, idempotencyKey);
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

        private NpgsqlBatch BuildBatch(GeneratedOrder order, string externalReference, string json, byte[] requestHash, string idempotencyKey)
        {
            var request = order.Request;
            var figures = order.Figures;
            var orderId = Guid.CreateVersion7();
            var batch = new NpgsqlBatch(connection);

            var customer = request.Customer;
            Add(batch, InsertCustomer, P(Guid.CreateVersion7()), P(customer.Email), P(customer.ExternalId), P(customer.FirstName), P(customer.LastName), P(customer.Phone));

            var billing = request.BillingAddress;
            Add(
                batch,
                InsertOrder,
                P(orderId), P(request.Channel), P(externalReference), P(request.Currency), P(request.Taxation),
                P(DateTime.Parse(request.OrderedAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)),
                P(customer.Email),
                P(billing.Name), P(billing.Line1), P(billing.Line2), P(billing.City), P(billing.Region), P(billing.PostalCode), P(billing.Country),
                P(figures.Subtotal), P(figures.LineAdjustments), P(figures.OrderAdjustments), P(figures.DeliveryTotal), P(figures.TaxTotal),
                P(figures.GrandTotal), P(figures.AuthorizedTotal), P(figures.CapturedTotal));

            for (var g = 0; g < request.DeliveryGroups.Count; g++)
            {
                var group = request.DeliveryGroups[g];
                var groupFigures = figures.Groups[g];
                var groupId = Guid.CreateVersion7();
                var ship = group.ShippingAddress;
                Add(
                    batch,
                    InsertDeliveryGroup,
                    P(groupId), P(orderId), P(group.Reference), P(group.DeliveryMethod.Code), P(group.DeliveryMethod.Type),
                    P(ship.Name), P(ship.Line1), P(ship.Line2), P(ship.City), P(ship.Region), P(ship.PostalCode), P(ship.Country),
                    P(ship.Latitude), P(ship.Longitude));

                var position = 0;
                foreach (var (line, money) in group.Lines.Zip(groupFigures.Lines))
                {
                    var lineId = Guid.CreateVersion7();
                    AddLine(batch, lineId, orderId, groupId, line.Reference, "product", ++position, line.Sku, line.Name, line.Quantity, line.UnitPrice, money);
                    foreach (var adjustment in line.Adjustments)
                    {
                        Add(batch, InsertAdjustment, P(Guid.CreateVersion7()), P(orderId), P((Guid?)lineId), P(adjustment.Reference), P(adjustment.Description), P(adjustment.Amount));
                    }

                    foreach (var tax in line.Taxes)
                    {
                        Add(batch, InsertTax, P(Guid.CreateVersion7()), P(lineId), P(tax.Name), P(tax.Rate), P(tax.Amount));
                    }
                }

                // The delivery charge is a line of its own, so fulfilment and refunds can treat it like any other.
                var charge = groupFigures.Delivery;
                AddLine(batch, Guid.CreateVersion7(), orderId, groupId, group.Reference + "-delivery", "delivery", ++position, null,
                    "Delivery: " + group.DeliveryMethod.Code, 1, group.DeliveryCharge.Amount, charge);
            }

            foreach (var adjustment in request.OrderAdjustments)
            {
                Add(batch, InsertAdjustment, P(Guid.CreateVersion7()), P(orderId), P((Guid?)null), P(adjustment.Reference), P(adjustment.Description), P(adjustment.Amount));
            }

            foreach (var payment in request.Payments)
            {
                Add(batch, InsertPayment, P(Guid.CreateVersion7()), P(orderId), P(payment.Method), P(payment.Gateway), P(payment.GatewayReference),
                    P(payment.AuthorizedAmount), P(payment.CapturedAmount));
            }

            Add(batch, InsertOutbox, P(Guid.CreateVersion7()), P(orderId.ToString()), new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            Add(batch, InsertHistory, P(Guid.CreateVersion7()), P(orderId));
            Add(batch, InsertIdempotency, P(idempotencyKey), new NpgsqlParameter<byte[]> { TypedValue = requestHash }, P(json));
            return batch;
        }

        private static void AddLine(
            NpgsqlBatch batch, Guid lineId, Guid orderId, Guid groupId, string reference, string type, int position,
            string? sku, string name, int quantity, decimal unitPrice, LineFigures money) =>
            Add(
                batch,
                InsertLine,
                P(lineId), P(orderId), P(groupId), P(reference), P(type), P(position), P(sku), P(name), P(quantity), P(unitPrice),
                P(money.LineAmount), P(money.AdjustmentAmount), P(money.AdjustedAmount), P(money.TaxAmount), P(money.TotalAmount));

        private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddRange(parameters);
            batch.BatchCommands.Add(command);
        }

        // Positional parameters with a fixed PostgreSQL type even when null: an untyped null changes the
        // statement's parameter types, and Npgsql then sends it unprepared.
        private static NpgsqlParameter<Guid> P(Guid value) => new() { TypedValue = value };

        private static NpgsqlParameter<int> P(int value) => new() { TypedValue = value };

        private static NpgsqlParameter<decimal> P(decimal value) => new() { TypedValue = value };

        private static NpgsqlParameter<DateTime> P(DateTime value) => new() { TypedValue = value };

        private static NpgsqlParameter P(string? value) =>
            value is null ? Null(NpgsqlDbType.Text) : new NpgsqlParameter<string> { TypedValue = value };

        private static NpgsqlParameter P(Guid? value) => value is { } v ? P(v) : Null(NpgsqlDbType.Uuid);

        private static NpgsqlParameter P(decimal? value) => value is { } v ? P(v) : Null(NpgsqlDbType.Numeric);

        private static NpgsqlParameter Null(NpgsqlDbType type) => new() { Value = DBNull.Value, NpgsqlDbType = type };
    }
}
