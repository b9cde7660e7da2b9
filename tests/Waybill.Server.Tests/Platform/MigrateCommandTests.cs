using Microsoft.Data.Sqlite;
using Npgsql;
using Waybill.Server.Tests.Infrastructure;
using Waybill.Testing;

namespace Waybill.Server.Tests.Platform;

/// <summary><c>waybill migrate</c> applies the provider's migrations and exits, on both databases.</summary>
public class MigrateCommandTests
{
    private static async Task<(int ExitCode, string Output)> RunWaybill(params string[] args)
    {
        var outcome = await WaybillCommand.RunAsync(args);
        return (outcome.ExitCode, outcome.Output + outcome.Error);
    }

    [Fact]
    public async Task Migrate_creates_the_sqlite_schema_and_exits()
    {
        var folder = Directory.CreateTempSubdirectory("waybill-migrate-").FullName;
        try
        {
            var file = Path.Combine(folder, "fresh.db");
            var (exitCode, output) = await RunWaybill("migrate", "--database", file);
            Assert.True(exitCode == 0, output);
            await using var connection = new SqliteConnection($"Data Source={file}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM __ef_migrations_history";
            Assert.True((long)(await command.ExecuteScalarAsync())! >= 1);
            command.CommandText = "SELECT count(*) FROM orders";
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Migrate_creates_the_postgres_schema_and_exits()
    {
        await using var cluster = await ThrowawayPostgres.StartAsync();
        var database = await cluster.CreateDatabaseAsync("waybill_migrate_" + Environment.ProcessId);
        var (exitCode, output) = await RunWaybill("migrate", "--database", database);
        Assert.True(exitCode == 0, output);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orders", connection);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        command.CommandText = "SELECT count(*) FROM __ef_migrations_history";
        Assert.True((long)(await command.ExecuteScalarAsync())! >= 1);
    }
}
