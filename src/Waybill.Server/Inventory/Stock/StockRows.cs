using Waybill.Domain.Inventory;

namespace Waybill.Server.Inventory.Stock;

/// <summary>
/// A SKU's stock at one location. <see cref="Reserved"/> is kept by the same atomic conditional updates that create,
/// release, transfer and fulfill reservations, so it always equals what active reservations hold at the location.
/// </summary>
public sealed class StockLevel
{
    public string LocationCode { get; set; } = "";
    public string Sku { get; set; } = "";
    public long OnHand { get; set; }
    public long SafetyStock { get; set; }
    public long Reserved { get; set; }
    /// <summary>The sum of <see cref="Futures"/>, kept beside them so ATO needs no JSON.</summary>
    public long FutureQuantity { get; set; }
    public List<StockFuture> Futures { get; set; } = [];
    /// <summary>Set by every change, cleared when <c>inventory.availability_changed</c> is sent: events coalesce per SKU and location.</summary>
    public bool AvailabilityChanged { get; set; }
    /// <summary>ATF when it was last announced, so <c>inventory.low_stock</c> fires when it crosses the threshold, not on every change below it.</summary>
    public long? AnnouncedAvailable { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public StockFigures Figures => new(OnHand, Reserved, SafetyStock, FutureQuantity);
}

/// <summary>
/// A SKU's stock summed over a location group's active locations, plus the reservations made at the group itself.
/// Kept in step with <see cref="StockLevel"/> in the same transactions, so a reservation checks a group's ATF with one
/// conditional update on one row — never by reading and summing.
/// </summary>
public sealed class GroupStock
{
    public string GroupCode { get; set; } = "";
    public string Sku { get; set; } = "";
    public long OnHand { get; set; }
    public long SafetyStock { get; set; }
    public long Reserved { get; set; }
    public long FutureQuantity { get; set; }

    public StockFigures Figures => new(OnHand, Reserved, SafetyStock, FutureQuantity);
}

/// <summary>A recordId an import applied (and when), so re-sending a file changes nothing.</summary>
public sealed class AppliedImportRecord
{
    public string RecordId { get; set; } = "";
    public string ImportId { get; set; } = "";
    public DateTimeOffset AppliedAt { get; set; }
}
