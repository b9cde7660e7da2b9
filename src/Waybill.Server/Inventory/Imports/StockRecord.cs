using Waybill.Domain.Inventory;

namespace Waybill.Server.Inventory.Imports;

/// <summary>
/// One line of a stock import file that passed every check: the stock of one SKU at one location.
/// A CSV row carries at most one future; rows for the same location and SKU are merged by the caller, not here.
/// </summary>
/// <param name="Line">Where the record is in the file, counted from 1 (a CSV header being line 1), for messages about it later.</param>
public sealed record StockRecord(int Line, string RecordId, string Location, string Sku, int OnHand, int SafetyStock, IReadOnlyList<StockFuture> Futures);

/// <summary>A line of the file that was skipped, and why: the <c>{ line, recordId?, message }</c> of api.md.</summary>
/// <param name="RecordId">The line's recordId when it could be read, so the sender can find the record in their own system.</param>
public sealed record ImportLineError(int Line, string? RecordId, string Message);
