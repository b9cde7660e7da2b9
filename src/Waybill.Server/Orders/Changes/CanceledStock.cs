using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Fulfillment;
using Waybill.Domain.Inventory;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Reservations;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;

namespace Waybill.Server.Orders.Changes;

/// <summary>
/// After a cancel, the order's reservation gives back what it no longer needs, in the same transaction: at each place it
/// holds stock, it keeps what the order still needs there — the unallocated units of the lines held there until routing
/// (the channel's group, or a pickup store), and at a location the units its open fulfillment orders still have to
/// ship — and releases the rest. Units never held (short at capture) are never released.
/// </summary>
public sealed class CanceledStock(WaybillDb db, StockLedger ledger, IClock clock)
{
    public async Task ReleaseAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.ReservationId is not { } reservationId) return;
        var reservation = await ReservationLines.LoadForChangeAsync(db, reservationId, cancellationToken);
        if (reservation.Status != ReservationStatus.Active) return;
        var foLines = (await db.FulfillmentOrders.AsNoTracking().Include(f => f.Lines)
                .Where(f => f.OrderId == order.Id && f.Status != FulfillmentOrderStatus.Canceled).ToListAsync(cancellationToken))
            .SelectMany(f => f.Lines.Select(l => new { f.Location, l.Sku, Open = l.QuantityOpen })).ToList();
        var release = new List<HeldStock>();
        foreach (var held in reservation.Lines.Where(l => l.Quantity > 0).OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            var needed = order.UnallocatedAt(held.Sku, held.Target);
            if (held.TargetKind == TargetKind.Location)
                needed += foLines.Where(l => l.Location == held.TargetCode && l.Sku == held.Sku).Sum(l => l.Open);
            if (held.Quantity > needed) release.Add(new HeldStock(held.Sku, held.Target, held.Quantity - needed));
        }
        if (release.Count == 0) return;
        reservation.Release(release, clock.UtcNow);
        foreach (var stock in release) await ledger.ReleaseAsync(stock.Sku, stock.Target, stock.Quantity, cancellationToken);
    }
}
