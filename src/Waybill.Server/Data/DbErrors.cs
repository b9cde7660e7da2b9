using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Waybill.Server.Data;

public static class DbErrors
{
    /// <summary>True when a save broke a unique index whose name (or, on SQLite, whose table) contains <paramref name="name"/>.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception, string name) => exception.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation && (pg.ConstraintName?.Contains(name, StringComparison.Ordinal) ?? false),
        // SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY: "UNIQUE constraint failed: table.column, ..."
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.Message.Contains(name, StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>True when PostgreSQL rolled the transaction back to break a deadlock (or a serialization failure): retry it.</summary>
    public static bool IsDeadlock(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure }) return true;
        return false;
    }
}
