using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Waybill.Server.Data;

/// <summary>
/// Statements sent together in the caller's transaction: one round trip on PostgreSQL (a batch), one after the other
/// on SQLite (in process, where round trips cost nothing). Parameters are positional: <c>$1, $2…</c> on PostgreSQL are
/// written <c>@p0, @p1…</c> here and numbered per statement.
/// </summary>
public sealed class SqlBatch(WaybillDb db)
{
    private readonly List<(string Sql, object[] Parameters)> _statements = [];

    public int Count => _statements.Count;

    /// <param name="sql">The statement, its parameters written <c>@p0</c>, <c>@p1</c>, … in the order given.</param>
    public SqlBatch Add(string sql, params object[] parameters)
    {
        _statements.Add((sql, parameters));
        return this;
    }

    /// <summary>Adds the statements to a PostgreSQL batch (<see cref="InsertBatch"/> sends them ahead of its inserts).</summary>
    internal void AppendTo(NpgsqlBatch batch)
    {
        foreach (var (sql, parameters) in _statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = Positional(sql, parameters.Length);
            foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
            batch.BatchCommands.Add(command);
        }
        _statements.Clear();
    }

    /// <summary>Runs the statements; returns the rows each one affected, in order.</summary>
    public async Task<int[]> ExecuteAsync(CancellationToken cancellationToken)
    {
        var affected = new int[_statements.Count];
        if (_statements.Count == 0) return affected;
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (connection is NpgsqlConnection npgsql)
            {
                await using var batch = npgsql.CreateBatch();
                AppendTo(batch);
                await batch.ExecuteNonQueryAsync(cancellationToken);
                for (var i = 0; i < affected.Length; i++) affected[i] = batch.BatchCommands[i].RecordsAffected;
            }
            else
            {
                for (var i = 0; i < _statements.Count; i++)
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = _statements[i].Sql;
                    var parameters = _statements[i].Parameters;
                    for (var p = 0; p < parameters.Length; p++)
                    {
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = $"@p{p}";
                        parameter.Value = parameters[p];
                        command.Parameters.Add(parameter);
                    }
                    affected[i] = await command.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }
        catch (DbException ex)
        {
            throw new DbUpdateException("A statement of the batch failed.", ex);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        _statements.Clear();
        return affected;
    }

    /// <summary>@p0 … @pN → $1 … $N+1 (from the highest number down, so @p1 does not eat the start of @p10).</summary>
    private static string Positional(string sql, int count)
    {
        for (var i = count - 1; i >= 0; i--) sql = sql.Replace($"@p{i}", $"${i + 1}", StringComparison.Ordinal);
        return sql;
    }
}
