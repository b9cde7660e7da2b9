using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Waybill.Server.Data;

/// <summary>
/// Writes a unit of work that only adds rows — an order capture — as plain INSERTs whose SQL is built once per entity
/// type from the EF Core model, instead of EF Core generating the SQL text anew on every save. On PostgreSQL the rows go
/// in one batch of prepared statements (one round trip, one implicit transaction); on SQLite one prepared command per
/// table is run for each of its rows in one transaction. Columns, names and value conversions all come from the model,
/// so the mapping is written once (in <see cref="WaybillDb"/>).
/// </summary>
/// <remarks>
/// Store-generated keys (the outbox's and the audit trail's sequence) and columns with a database default are left to
/// the database and are not read back; the tracked entries are detached after the write, so callers must not use them.
/// Failures surface as <see cref="DbUpdateException"/> with the provider's exception inside, exactly as SaveChanges.
/// </remarks>
public sealed class InsertBatch
{
    private readonly ConcurrentDictionary<IEntityType, TableInsert> _inserts = new();

    /// <param name="first">
    /// Statements to run before the inserts, in the same round trip on PostgreSQL (e.g. the conditional stock updates a
    /// batch of reservations makes); the rows each affected are returned, in order.
    /// </param>
    public async Task<int[]> WriteAsync(WaybillDb db, CancellationToken cancellationToken, SqlBatch? first = null)
    {
        var rows = Rows(db);
        var affected = Array.Empty<int>();
        var connection = db.Database.GetDbConnection();
        // Inside a caller's transaction (a capture that also reserved stock) the rows join it; otherwise they are their own.
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (connection is NpgsqlConnection npgsql) affected = await WritePostgresAsync(npgsql, first, rows, cancellationToken);
            else
            {
                if (first is not null) affected = await first.ExecuteAsync(cancellationToken);
                await WriteCommandsAsync(connection, transaction, rows, cancellationToken);
            }
        }
        catch (DbException ex)
        {
            throw new DbUpdateException("An insert of the unit of work failed; nothing was written.", ex);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        db.ChangeTracker.Clear();
        return affected;
    }

    /// <summary>The added entries as (table insert, entry), principals before dependents so foreign keys hold.</summary>
    private List<(TableInsert Insert, EntityEntry Entry)> Rows(WaybillDb db)
    {
        var rows = new List<(TableInsert, EntityEntry)>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State != EntityState.Added)
                throw new InvalidOperationException($"InsertBatch writes added rows only; {entry.Metadata.DisplayName()} is {entry.State}.");
            // Owned types (a delivery group's method) share their owner's row and are written with it.
            if (entry.Metadata.IsOwned()) continue;
            rows.Add((_inserts.GetOrAdd(entry.Metadata, type => TableInsert.For(type, db)), entry));
        }
        rows.Sort((a, b) => a.Item1.Rank.CompareTo(b.Item1.Rank));
        return rows;
    }

    private static async Task<int[]> WritePostgresAsync(NpgsqlConnection connection, SqlBatch? first, List<(TableInsert Insert, EntityEntry Entry)> rows, CancellationToken cancellationToken)
    {
        // Without the caller's transaction PostgreSQL runs one batch (one Sync) as one implicit transaction — all rows or none.
        await using var batch = connection.CreateBatch();
        first?.AppendTo(batch);
        var firstCount = batch.BatchCommands.Count;
        using var scratch = connection.CreateCommand();
        foreach (var (insert, entry) in rows)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = insert.PositionalSql;
            insert.Bind(scratch, entry, command.Parameters, positional: true);
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count == 0) return [];
        await batch.ExecuteNonQueryAsync(cancellationToken);
        var affected = new int[firstCount];
        for (var i = 0; i < firstCount; i++) affected[i] = batch.BatchCommands[i].RecordsAffected;
        return affected;
    }

    private static async Task WriteCommandsAsync(DbConnection connection, DbTransaction? callers, List<(TableInsert Insert, EntityEntry Entry)> rows, CancellationToken cancellationToken)
    {
        var transaction = callers ?? await connection.BeginTransactionAsync(cancellationToken);
        var commands = new Dictionary<TableInsert, DbCommand>();
        try
        {
            foreach (var (insert, entry) in rows)
            {
                if (!commands.TryGetValue(insert, out var command))
                {
                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = insert.NamedSql;
                    commands.Add(insert, command);
                }
                command.Parameters.Clear();
                insert.Bind(command, entry, command.Parameters, positional: false);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            if (callers is null) await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            foreach (var command in commands.Values) await command.DisposeAsync();
            if (callers is null) await transaction.DisposeAsync();
        }
    }

    /// <summary>One table's INSERT: its columns, where each value comes from, and how it is converted for the provider.</summary>
    private sealed class TableInsert
    {
        private readonly List<Column> _columns;

        private TableInsert(List<Column> columns, string positionalSql, string namedSql, int rank)
        {
            _columns = columns;
            PositionalSql = positionalSql;
            NamedSql = namedSql;
            Rank = rank;
        }

        public string PositionalSql { get; }
        public string NamedSql { get; }
        /// <summary>Principals rank lower than the rows that refer to them.</summary>
        public int Rank { get; }

        public void Bind(DbCommand scratch, EntityEntry entry, DbParameterCollection parameters, bool positional)
        {
            for (var i = 0; i < _columns.Count; i++)
            {
                var column = _columns[i];
                var owner = column.Owned is null ? entry : entry.Reference(column.Owned.Name).TargetEntry;
                var value = owner?.CurrentValues[column.Property];
                // CreateParameter applies the property's value converter and the provider's type.
                var parameter = column.Mapping.CreateParameter(scratch, positional ? "" : $"@p{i}", value, column.Property.IsNullable);
                parameters.Add(parameter);
            }
        }

        public static TableInsert For(IEntityType type, WaybillDb db)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var columns = new List<Column>();
            foreach (var property in type.GetProperties())
                if (!IsStoreGenerated(property)) columns.Add(new Column(property, null, property.GetRelationalTypeMapping(), property.GetColumnName(table)!));
            foreach (var navigation in type.GetNavigations().Where(n => n.TargetEntityType.IsOwned() && n.ForeignKey.IsOwnership && !n.IsOnDependent))
                foreach (var property in navigation.TargetEntityType.GetProperties().Where(p => !p.IsPrimaryKey()))
                    columns.Add(new Column(property, navigation, property.GetRelationalTypeMapping(), property.GetColumnName(table)!));

            var sql = db.GetService<ISqlGenerationHelper>();
            var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))}) VALUES (";
            var positional = new StringBuilder(head).AppendJoin(", ", columns.Select((_, i) => $"${i + 1}")).Append(')').ToString();
            var named = new StringBuilder(head).AppendJoin(", ", columns.Select((_, i) => $"@p{i}")).Append(')').ToString();
            return new TableInsert(columns, positional, named, RankOf(type, []));
        }

        private static bool IsStoreGenerated(IProperty property) =>
            property.GetDefaultValueSql() is not null
            || (property.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && property.IsPrimaryKey() && property.ClrType == typeof(long));

        private static int RankOf(IEntityType type, HashSet<IEntityType> visiting)
        {
            if (!visiting.Add(type)) return 0;
            var rank = type.GetForeignKeys()
                .Where(fk => !fk.IsOwnership && fk.PrincipalEntityType != type)
                .Select(fk => RankOf(fk.PrincipalEntityType, visiting) + 1)
                .DefaultIfEmpty(0)
                .Max();
            visiting.Remove(type);
            return rank;
        }

        private sealed record Column(IProperty Property, INavigation? Owned, RelationalTypeMapping Mapping, string Name);
    }
}
