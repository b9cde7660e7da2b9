namespace Waybill.Domain.Inventory;

/// <summary>
/// The stock of a SKU at a location, or summed over a location group (domain.md "Inventory").
/// <c>reserved</c> is what active reservations hold; at a group it also counts reservations made at the group itself.
/// </summary>
public readonly record struct StockFigures(long OnHand, long Reserved, long SafetyStock, long FutureQuantity)
{
    /// <summary>ATF: what can be promised from stock on the shelf. Negative when stock was lost under reservations.</summary>
    public long AvailableToFulfill => OnHand - Reserved - SafetyStock;

    /// <summary>ATO: ATF plus what is on its way (futures with expected dates).</summary>
    public long AvailableToOrder => AvailableToFulfill + FutureQuantity;
}

/// <summary>Incoming stock with the date it is expected.</summary>
public sealed record StockFuture(int Quantity, DateTimeOffset ExpectedAt);

/// <summary>Where stock is held: one location, or a location group as a whole.</summary>
public enum TargetKind
{
    Location,
    Group,
}

/// <summary>A location or a location group, by code.</summary>
public readonly record struct StockTarget(TargetKind Kind, string Code)
{
    public static StockTarget Location(string code) => new(TargetKind.Location, code);
    public static StockTarget Group(string code) => new(TargetKind.Group, code);
    public override string ToString() => $"{(Kind == TargetKind.Location ? "location" : "group")} {Code}";
}

/// <summary>Limits of the inventory API that are business rules, not storage details.</summary>
public static class InventoryRules
{
    /// <summary>The longest a reservation may be held with an expiry (api.md: at most 14,400 s).</summary>
    public const int MaxExpiresInSeconds = 14_400;
    /// <summary>The largest quantity one stock record or reservation line carries.</summary>
    public const int MaxQuantity = 1_000_000_000;
}
