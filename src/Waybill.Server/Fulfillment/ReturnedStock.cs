using Waybill.Domain.Fulfillment;
using Waybill.Domain.Inventory;
using Waybill.Domain.Orders;
using Waybill.Server.Channels;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Reservations;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Orders;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// Quantity a fulfillment order hands back (rejected or canceled lines): the order line's allocation shrinks, the stock
/// the order held at the location is released there, and — for a rejection of a shipped group — the order holds it again
/// at its channel's group, as much as the group still has, so the reroute finds it (a rejection keeps the claim; a
/// cancel gives the stock up). Same transaction as the fulfillment order's change.
/// </summary>
public sealed class ReturnedStock(WaybillDb db, StockLedger ledger, ChannelGroups channelGroups)
{
    public async Task<object> GiveBackAsync(FulfillmentOrder fo, IReadOnlyList<ReturnedQuantity> returned, bool holdAtGroup, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var (order, _) = await OrderStore.LoadAsync(db, fo.OrderId, cancellationToken);
        foreach (var r in returned) order.ReturnAllocation(r.Line.OrderLineId, r.Quantity, now);

        var reservation = order.ReservationId is { } id ? await ReservationLines.LoadForChangeAsync(db, id, cancellationToken) : null;
        if (reservation is not { Status: ReservationStatus.Active }) return new { lines = returned.Select(r => new { r.Line.Id, r.Quantity }) };

        var group = order.DeliveryGroups.First(g => g.Id == fo.DeliveryGroupId);
        var groupCode = await channelGroups.SellsFromAsync(db, order.Channel, cancellationToken);
        holdAtGroup &= group.DeliveryMethod.Type != DeliveryMethodType.Pickup;
        var released = new List<HeldStock>();
        var regained = new List<HeldStock>();
        foreach (var (sku, quantity) in returned.GroupBy(r => r.Line.Sku).Select(g => (g.Key, g.Sum(r => r.Quantity))).OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            var here = StockTarget.Location(fo.Location);
            var held = Math.Min(quantity, reservation.HeldAt(sku, here));
            if (held == 0) continue;
            await ledger.ReleaseAsync(sku, here, held, cancellationToken);
            released.Add(new HeldStock(sku, here, held));
            if (!holdAtGroup) continue;
            var got = await ledger.ReserveAsync(sku, StockTarget.Group(groupCode), held, partial: true, cancellationToken);
            if (got > 0) regained.Add(new HeldStock(sku, StockTarget.Group(groupCode), got));
        }
        // Hold first, release after: a reservation whose every line reaches zero is over, and could not hold again.
        if (regained.Count > 0) reservation.Add(regained, now);
        if (released.Count > 0) reservation.Release(released, now);
        return new
        {
            lines = returned.Select(r => new { r.Line.Id, r.Line.OrderLineId, r.Line.Sku, r.Quantity }),
            released = released.Select(h => new { h.Sku, at = h.Target.ToString(), h.Quantity }),
            heldAgain = regained.Select(h => new { h.Sku, at = h.Target.ToString(), h.Quantity }),
        };
    }
}
