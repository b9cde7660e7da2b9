using System.Diagnostics;
using Npgsql;

namespace Waybill.Bench.Changes;

/// <summary>
/// Joins the parts of an order larger than capture takes into its first part, in the database, before the measurement
/// (the server keeps no order in memory between requests): the later parts' product lines move into the first part's
/// delivery group after its lines, with their authorizations and order promotions. The first part's delivery charge
/// goes last. The emptied parts are left as orders with a zero delivery charge that nothing reads. The result is what
/// <see cref="ChangeBenchOrders.DraftOf"/> captures in process — checked over HTTP by the runner before it measures.
/// </summary>
public static class OrderJoin
{
    public sealed record Part(string OrderId, string GroupId);

    public static async Task JoinAsync(string database, bool postgres, IReadOnlyList<Part> parts, CancellationToken cancellationToken)
    {
        if (parts.Count < 2) return;
        var first = parts[0];
        var statements = new List<string>
        {
            $"UPDATE order_lines SET position = 1000000 WHERE order_id = {Q(first.OrderId)} AND type = 'DeliveryCharge'",
        };
        for (var k = 1; k < parts.Count; k++)
        {
            var part = parts[k];
            statements.Add($"UPDATE order_lines SET order_id = {Q(first.OrderId)}, delivery_group_id = {Q(first.GroupId)}, position = position + {k * ChangeBenchOrders.CaptureLimit} "
                + $"WHERE order_id = {Q(part.OrderId)} AND type = 'Product'");
            statements.Add($"UPDATE payment_summaries SET order_id = {Q(first.OrderId)}, position = {k} WHERE order_id = {Q(part.OrderId)}");
        }
        var ids = string.Join(", ", parts.Select(p => Q(p.OrderId)));
        statements.Add(postgres
            ? $"UPDATE orders SET order_adjustments = (SELECT jsonb_agg(e ORDER BY o.order_number)::text FROM orders o, jsonb_array_elements(o.order_adjustments::jsonb) e WHERE o.id IN ({ids})) WHERE id = {Q(first.OrderId)}"
            : $"UPDATE orders SET order_adjustments = (SELECT json_group_array(json(e.value)) FROM (SELECT j.value FROM orders o, json_each(o.order_adjustments) j WHERE o.id IN ({ids}) ORDER BY o.order_number) e) WHERE id = {Q(first.OrderId)}");

        if (postgres)
        {
            // Unpooled: the next run drops this database WITH (FORCE), which kills pooled connections that would then be handed out.
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var sql in statements)
            {
#pragma warning disable CA2100 // Ids come from the server's answers and are quoted by Q.
                await using var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await SqliteAsync(database, "BEGIN IMMEDIATE;\n" + string.Join(";\n", statements) + ";\nCOMMIT;\n", cancellationToken);
        }
    }

    /// <summary>
    /// The bench does not reference an SQLite provider (its packages are pinned for the server), so SQLite goes through the
    /// <c>sqlite3</c> shell; the server's open connections wait on the lock like any other writer.
    /// </summary>
    private static async Task SqliteAsync(string path, string script, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("sqlite3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-bail");
        start.ArgumentList.Add("-cmd");
        start.ArgumentList.Add(".timeout 30000");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start sqlite3 (needed to join the parts of a large order on SQLite).");
        await process.StandardInput.WriteAsync(script.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"sqlite3 failed ({process.ExitCode}): {await output}{await error}");
    }

    private static string Q(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
