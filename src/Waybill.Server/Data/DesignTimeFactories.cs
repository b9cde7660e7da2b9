using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Waybill.Server.Data;

// Used only by `dotnet ef migrations add --context …` to build each provider's model.

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteWaybillDb>
{
    public SqliteWaybillDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<SqliteWaybillDb>()
        .UseSqlite("Data Source=design.db", s => s.MigrationsHistoryTable("__ef_migrations_history"))
        .UseSnakeCaseNamingConvention().Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresWaybillDb>
{
    public PostgresWaybillDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<PostgresWaybillDb>()
        .UseNpgsql("Host=localhost;Database=waybill_design", n => n.MigrationsHistoryTable("__ef_migrations_history"))
        .UseSnakeCaseNamingConvention().Options);
}
