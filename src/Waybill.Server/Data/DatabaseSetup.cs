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
            return new DatabaseSettings(DatabaseProvider.Postgres, value);
        var sqlite = value.Contains("Data Source=", StringComparison.OrdinalIgnoreCase)
            ? new SqliteConnectionStringBuilder(value)
            : new SqliteConnectionStringBuilder { DataSource = value };
        sqlite.DefaultTimeout = 30;
        return new DatabaseSettings(DatabaseProvider.Sqlite, sqlite.ToString());
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
        services.AddDbContextPool<PostgresWaybillDb>((sp, o) => o
            .UseNpgsql(sp.GetRequiredService<DatabaseSettings>().ConnectionString, n => n.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention());
        services.AddDbContextPool<SqliteWaybillDb>((sp, o) => o
            .UseSqlite(sp.GetRequiredService<DatabaseSettings>().ConnectionString, s => s.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new SqlitePragmas()));
        services.AddScoped<WaybillDb>(sp => sp.GetRequiredService<DatabaseSettings>().Provider == DatabaseProvider.Postgres
            ? sp.GetRequiredService<PostgresWaybillDb>()
            : sp.GetRequiredService<SqliteWaybillDb>());
        return services;
    }

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
