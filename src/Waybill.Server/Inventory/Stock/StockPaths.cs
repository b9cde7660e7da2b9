using Waybill.Domain.Common;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Reservations;
using Waybill.Server.Platform;

namespace Waybill.Server.Inventory.Stock;

/// <summary>The <c>{location}/{sku}</c> of the single-update endpoints: the location must exist, the SKU be well formed.</summary>
internal static class StockPaths
{
    public static async Task CheckAsync(WaybillDb db, KnownInventory known, string location, string sku, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ReservationLines.Sku(sku, "sku", errors);
        errors.ThrowIfAny();
        if ((await known.MissingAsync(db, [StockTarget.Location(location)], cancellationToken)).Count > 0)
            throw new ProblemException(Problems.NotFound("location", location));
    }

    public static string EntityId(string location, string sku) => $"{location}/{sku}";
}
