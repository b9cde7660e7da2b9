using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Waybill.Testing;

namespace Waybill.Server.Tests.Platform;

/// <summary><c>waybill migrate</c> applies the provider's migrations and exits, on both databases.</summary>
public class MigrateCommandTests
{
    private static async Task<(int ExitCode, string Output)> RunWaybill(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
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
