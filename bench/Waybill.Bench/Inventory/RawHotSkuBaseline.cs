using System.Diagnostics;
using Npgsql;
using Waybill.Bench.Capture;

namespace Waybill.Bench.Inventory;

/// <summary>
/// The raw-SQL limit of reserving one hot SKU: N plain Npgsql clients, each reservation its own transaction
/// <c>BEGIN; UPDATE stock_levels SET reserved = reserved + 1 WHERE location_code = $1 AND sku = $2 AND on_hand - reserved -
/// safety_stock &gt;= 1; COMMIT</c> on the same row, on a database with Waybill's schema (<c>waybill migrate</c>), on the
/// same cluster and with as many clients as Waybill had. It is the best case a transaction per reservation can have: one
/// connection held per client, the statement prepared, and the three statements sent as one batch — one round trip, so
/// the row lock is held only while PostgreSQL itself works, never across a client's round trip.
/// <para>
/// The <em>interactive</em> variant is the same transaction as an application writes it with Npgsql's transaction API:
/// <c>BEGIN</c> and the <c>UPDATE</c> in one round trip, <c>COMMIT</c> in a second — so the row lock is also held while the
/// answer travels back to the client and its <c>COMMIT</c> travels to the server.
/// </para>
/// </summary>
public sealed class RawHotSkuBaseline : IAsyncDisposable
{
    public const string Location = "WH1";

    private const string Reserve =
        "UPDATE stock_levels SET reserved = reserved + 1 WHERE location_code = $1 AND sku = $2 AND on_hand - reserved - safety_stock >= 1";

    private readonly NpgsqlDataSource dataSource;
    private readonly string sku;

    private RawHotSkuBaseline(NpgsqlDataSource dataSource, string sku)
    {
        this.dataSource = dataSource;
        this.sku = sku;
    }

    /// <summary>Gives the (fresh, empty) database Waybill's schema and one stock row of <paramref name="onHand"/>.</summary>
    public static async Task<RawHotSkuBaseline> CreateAsync(string connectionString, string serverDll, string sku, long onHand, CancellationToken cancellationToken)
    {
        await MigrateAsync(connectionString, serverDll, cancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 8,
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
            ApplicationName = "waybill-bench-raw",
        };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO stock_levels (location_code, sku, on_hand, safety_stock, reserved, future_quantity, futures, availability_changed, updated_at) " +
            "VALUES ($1, $2, $3, 0, 0, 0, '[]', false, now())"))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Location });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = onHand });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return new RawHotSkuBaseline(dataSource, sku);
    }

    /// <summary>A client for <see cref="InventoryLoop"/>: opens and keeps its own connection; one round trip a reservation.</summary>
    public async Task<ILoadClient> CreateClientAsync(int index, CancellationToken cancellationToken) =>
        new Reserver(await dataSource.OpenConnectionAsync(cancellationToken), sku);

    /// <summary>A client that runs each reservation as an interactive transaction (two round trips, the lock held across one).</summary>
    public async Task<ILoadClient> CreateInteractiveClientAsync(int index, CancellationToken cancellationToken) =>
        new InteractiveReserver(await dataSource.OpenConnectionAsync(cancellationToken), sku);

    /// <summary>Sets the row back to nothing reserved, for the next phase on the same database.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE stock_levels SET reserved = 0");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The row's <c>reserved</c> and ATF after the run.</summary>
    public async Task<(long Reserved, long Atf)> ReadRowAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT reserved, on_hand - reserved - safety_stock FROM stock_levels WHERE location_code = $1 AND sku = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Location });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private static async Task MigrateAsync(string connectionString, string serverDll, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { serverDll, "migrate", "--database", connectionString })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet " + serverDll + " migrate'.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"waybill migrate failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private sealed class Reserver : ILoadClient
    {
        private readonly NpgsqlConnection connection;
        private readonly NpgsqlBatch batch;
        private readonly NpgsqlBatchCommand update;

        public Reserver(NpgsqlConnection connection, string sku)
        {
            this.connection = connection;
            batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            update = new NpgsqlBatchCommand(Reserve);
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Location });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
            batch.BatchCommands.Add(update);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        public async ValueTask<CaptureAttempt> SendAsync(long sequence, CancellationToken cancellationToken)
        {
            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
                return update.RecordsAffected == 1
                    ? CaptureAttempt.Success
                    : CaptureAttempt.Failure("insufficient", "the conditional update found no stock to reserve");
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

        public async ValueTask DisposeAsync()
        {
            await batch.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private sealed class InteractiveReserver : ILoadClient
    {
        private readonly NpgsqlConnection connection;
        private readonly NpgsqlCommand update;

        public InteractiveReserver(NpgsqlConnection connection, string sku)
        {
            this.connection = connection;
            update = new NpgsqlCommand(Reserve, connection);
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Location });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sku });
        }

        public async ValueTask<CaptureAttempt> SendAsync(long sequence, CancellationToken cancellationToken)
        {
            try
            {
                // Npgsql sends BEGIN with the first statement of the transaction, and COMMIT on its own.
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                update.Transaction = transaction;
                var rows = await update.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return rows == 1
                    ? CaptureAttempt.Success
                    : CaptureAttempt.Failure("insufficient", "the conditional update found no stock to reserve");
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

        public async ValueTask DisposeAsync()
        {
            await update.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
