using Microsoft.EntityFrameworkCore;

namespace Waybill.Server.Data;

/// <summary>
/// Hands out order numbers (WB-000123) from blocks reserved in the database, so a capture does not pay a round trip
/// for its number. A restart or a second node leaves gaps, as any database sequence does; numbers are unique, not dense.
/// </summary>
public sealed class OrderNumbers : IDisposable
{
    public const int BlockSize = 20;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _next;
    private long _end;

    public async Task<string> NextAsync(WaybillDb db, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_next >= _end)
            {
                var first = await ReserveBlockAsync(db, cancellationToken);
                _next = first;
                _end = first + BlockSize;
            }
            return Format(_next++);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    public static string Format(long number) => "WB-" + number.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<long> ReserveBlockAsync(WaybillDb db, CancellationToken cancellationToken)
    {
        if (db.IsPostgres)
            return await db.Database.SqlQueryRaw<long>("SELECT nextval('order_numbers') AS \"Value\"").SingleAsync(cancellationToken);

        var last = await db.Database.SqlQuery<long>(
            $"INSERT INTO counters (name, value) VALUES ('order_number', {BlockSize}) ON CONFLICT (name) DO UPDATE SET value = value + {BlockSize} RETURNING value AS \"Value\"").ToListAsync(cancellationToken);
        return last.Single() - BlockSize + 1;
    }
}
