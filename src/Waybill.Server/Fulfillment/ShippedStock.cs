using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Fulfillment;
using Waybill.Domain.Inventory;
using Waybill.Server.Automation.ProcessExceptions;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Reservations;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Orders;
using Waybill.Server.Platform;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// What a shipment (or a pickup) does beyond its fulfillment order, in the same transaction: the order lines count the
/// quantity as fulfilled (and the order's status follows), and the order's reservation is fulfilled at the location —
/// on hand and reserved both drop there and in its groups (domain.md "Inventory").
/// </summary>
public sealed class ShippedStock(WaybillDb db, StockLedger ledger, EventOutbox outbox, AuditTrail audit)
{
    public async Task<object> RecordAsync(FulfillmentOrder fo, Shipment shipment, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (db.IsPostgres) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM orders WHERE id = {fo.OrderId} FOR UPDATE", cancellationToken);
        var (order, customer) = await OrderStore.LoadAsync(db, fo.OrderId, cancellationToken);
        order.RecordShipment([.. shipment.Lines.Select(l => (l.OrderLineId, l.Quantity))], now);

        var here = StockTarget.Location(fo.Location);
        var reservation = order.ReservationId is { } id ? await ReservationLines.LoadForChangeAsync(db, id, cancellationToken) : null;
        var fulfilled = new List<HeldStock>();
        var unheld = new List<HeldStock>();
        foreach (var (sku, quantity) in shipment.Lines.GroupBy(l => l.Sku).Select(g => (g.Key, g.Sum(l => l.Quantity))).OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            var held = reservation is { Status: ReservationStatus.Active } ? Math.Min(quantity, reservation.HeldAt(sku, here)) : 0;
            if (held > 0)
            {
                await ledger.FulfillAsync(sku, fo.Location, held, cancellationToken);
                fulfilled.Add(new HeldStock(sku, here, held));
            }
            // Routing always holds what it allocates, so this is stock held by hand elsewhere or released meanwhile: it
            // still left the shelf.
            if (quantity > held)
            {
                await ledger.AdjustAsync(fo.Location, sku, -(quantity - held), cancellationToken);
                unheld.Add(new HeldStock(sku, here, quantity - held));
            }
        }
        if (fulfilled.Count > 0) reservation!.Fulfill(fulfilled, now);

        // The saved fulfillment orders, with this one as it is now (its change is not saved yet).
        var response = await OrderStore.ResponseAsync(db, order, customer, cancellationToken,
            saved => saved.Where(f => f.Id != fo.Id).Append(FulfillmentOrderResponse.From(fo)).OrderBy(f => f.Id, StringComparer.Ordinal));
        OrderStore.RecordEvents(order, response, outbox, audit, actor);
        ShipmentRecords.RecordEvents(shipment, fo.Location, outbox, audit, actor, null);
        return new
        {
            shipmentId = shipment.Id,
            lines = shipment.Lines.Select(l => new { l.FulfillmentOrderLineId, l.OrderLineId, l.Sku, l.Quantity }),
            fulfilled = fulfilled.Select(h => new { h.Sku, at = h.Target.ToString(), h.Quantity }),
            takenWithoutHold = unheld.Select(h => new { h.Sku, at = h.Target.ToString(), h.Quantity }),
        };
    }
}
