using Npgsql;
#if HAS_THROWAWAY_POSTGRES
using Waybill.Testing;
#endif

namespace Waybill.Bench.Capture;

/// <summary>
/// The PostgreSQL cluster a postgres run uses: the server named by <c>WAYBILL_TEST_POSTGRES</c> if set
/// (the same variable the tests honour), otherwise a throwaway cluster that lives as long as this object.
/// Waybill and the raw-SQL baseline each get a fresh database on it, recreated for every run.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    public const string EnvironmentVariable = "WAYBILL_TEST_POSTGRES";

    private readonly IAsyncDisposable? owned;

    private BenchPostgres(string adminConnectionString, string source, IAsyncDisposable? owned)
    {
        AdminConnectionString = adminConnectionString;
        Source = source;
        this.owned = owned;
    }

    public string AdminConnectionString { get; }

    /// <summary>Where the cluster came from, for the report.</summary>
    public string Source { get; }

    public static async Task<BenchPostgres> StartAsync(CancellationToken cancellationToken)
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new BenchPostgres(external, EnvironmentVariable, owned: null);
        }

#if HAS_THROWAWAY_POSTGRES
        var throwaway = await ThrowawayPostgres.StartAsync(cancellationToken);
        return new BenchPostgres(throwaway.AdminConnectionString, "throwaway cluster", throwaway);
#else
        await Task.CompletedTask;
        throw new InvalidOperationException(
            $"No PostgreSQL to run against: set {EnvironmentVariable} to an admin connection string "
            + "(this build has no tests/Shared/ThrowawayPostgres.cs to start a throwaway cluster).");
#endif
    }

    /// <summary>Drops (even with leftover sessions) and recreates <paramref name="name"/>; returns its connection string.</summary>
    public async Task<string> CreateFreshDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var sql in new[] { $"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", $"CREATE DATABASE {quoted}" })
        {
#pragma warning disable CA2100 // The name is the bench's own constant, quoted as an identifier.
            await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Flushes dirty pages before a measured phase, so one phase does not pay for the checkpoint the previous
    /// phase caused. Needs superuser (or pg_checkpoint); without it the bench goes on and says so.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("CHECKPOINT", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception)
        {
            Console.WriteLine($"  (CHECKPOINT failed, continuing: {exception.MessageText})");
        }
    }

    /// <summary>Version and the settings that decide write throughput, recorded with the results.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DescribeAsync(CancellationToken cancellationToken)
    {
        var description = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT current_setting('server_version')", connection))
        {
            description["server_version"] = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var command = new NpgsqlCommand(
            """
            SELECT name, current_setting(name) FROM pg_settings
            WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_sync_method', 'max_connections', 'full_page_writes', 'max_wal_size')
            """,
            connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                description[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return description;
    }

    public async ValueTask DisposeAsync()
    {
        if (owned is not null)
        {
            await owned.DisposeAsync();
        }
    }
}
