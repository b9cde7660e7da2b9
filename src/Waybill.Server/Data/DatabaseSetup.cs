using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Waybill.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the data lives: <c>--database</c> / <c>WAYBILL_DATABASE</c>; a value with <c>Host=</c> is PostgreSQL, anything else SQLite.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string DefaultSqliteFile = "waybill.db";

    public static DatabaseSettings From(IConfiguration configuration)
    {
        var value = configuration["database"] ?? configuration["WAYBILL_DATABASE"];
        if (string.IsNullOrWhiteSpace(value)) value = DefaultSqliteFile;
        if (value.Contains("Host=", StringComparison.OrdinalIgnoreCase))
            return new DatabaseSettings(DatabaseProvider.Postgres, WithPostgresDefaults(value));
        var sqlite = value.Contains("Data Source=", StringComparison.OrdinalIgnoreCase)
            ? new SqliteConnectionStringBuilder(value)
            : new SqliteConnectionStringBuilder { DataSource = value };
        sqlite.DefaultTimeout = 30;
        return new DatabaseSettings(DatabaseProvider.Sqlite, sqlite.ToString());
    }

    /// <summary>
    /// Waybill runs the same few statements all day: let Npgsql prepare them (PostgreSQL then skips parsing and
    /// planning), and keep them across pooled connections — Waybill never changes session state, so there is
    /// nothing to reset. A connection string that sets either option keeps its own value.
    /// </summary>
    private static string WithPostgresDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase)) builder.MaxAutoPrepare = 64;
        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}

public static class DatabaseSetup
{
    /// <summary>
    /// Registers both providers' context pools; the settings, read when first needed (after every configuration
    /// source, test hosts' included, is in), decide which one <see cref="WaybillDb"/> resolves to.
    /// </summary>
    public static IServiceCollection AddWaybillDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<OrderNumbers>();
        services.AddSingleton<InsertBatch>();
        services.AddDbContextPool<PostgresWaybillDb>((sp, o) => o
            .UseNpgsql(sp.GetRequiredService<DatabaseSettings>().ConnectionString, n => n.MigrationsHistoryTable("__ef_migrations_history").MaxBatchSize(1000))
            .UseSnakeCaseNamingConvention()
            .ConfigureWarnings(ExpectedFailuresAreNotErrors));
        services.AddDbContextPool<SqliteWaybillDb>((sp, o) => o
            .UseSqlite(sp.GetRequiredService<DatabaseSettings>().ConnectionString, s => s.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .ConfigureWarnings(ExpectedFailuresAreNotErrors)
            .AddInterceptors(new SqlitePragmas()));
        services.AddScoped<WaybillDb>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Postgres
            ? sp.GetRequiredService<PostgresWaybillDb>()
            : sp.GetRequiredService<SqliteWaybillDb>());
        return services;
    }

    /// <summary>
    /// A unique-index conflict is how Waybill finds a resent order or a concurrent twin, so a failed save is not an error
    /// by itself; handlers decide, and anything unexpected is logged once by the exception mapping.
    /// </summary>
    private static void ExpectedFailuresAreNotErrors(WarningsConfigurationBuilder warnings) => warnings
        .Log((CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug));

    /// <summary>Applies this provider's migrations (at start, and by <c>waybill migrate</c>).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WaybillDb>();
        if (!db.IsPostgres)
        {
            // WAL lets readers run beside the one writer; it is a property of the file, so once is enough.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.CloseConnectionAsync();
        }
        await db.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>Per-connection SQLite settings: with WAL, NORMAL sync is durable across application crashes and much faster.</summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
