using Waybill.Domain.Inventory;

namespace Waybill.Server.Inventory.Stock;

/// <summary>A SKU's figures at a location or a group (the availability row of api.md "Inventory").</summary>
public sealed record StockResponse(
    string Sku,
    string? Location,
    string? Group,
    long OnHand,
    long Reserved,
    long SafetyStock,
    long AvailableToFulfill,
    long AvailableToOrder,
    IReadOnlyList<StockFuture> Futures,
    // Only in inventory.availability_changed: the ATF announced before (absent the first time), so a flow can tell a
    // rise (stock arrived) from a fall (reserved).
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    long? PreviousAvailableToFulfill = null)
{
    public static StockResponse At(StockTarget target, string sku, StockFigures figures, IReadOnlyList<StockFuture> futures) => new(
        sku,
        target.Kind == TargetKind.Location ? target.Code : null,
        target.Kind == TargetKind.Group ? target.Code : null,
        figures.OnHand, figures.Reserved, figures.SafetyStock, figures.AvailableToFulfill, figures.AvailableToOrder, futures);
}
