using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Inventory.Stock;
using Waybill.Server.Platform;

namespace Waybill.Server.Orders.Changes;

/// <summary>Units put back on a location's shelf by a return: on hand grows there, in the return's transaction.</summary>
public sealed class ReturnRestock(WaybillDb db, StockLedger ledger, AuditTrail audit)
{
    /// <summary>
    /// A direct return's units go back where the line last shipped from — the returned units are the most recently shipped
    /// ones — so a line never shipped (a digital one) restocks nothing. Returns what was restocked where.
    /// </summary>
    public async Task<IReadOnlyList<(string Location, string Sku, int Quantity)>> AtShippingLocationAsync(Order order, ChangeOrder change, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(change);
        var returned = change.Lines.Where(l => l is { Type: OrderLineType.Product, QuantityDelta: < 0 }).ToList();
        var lineIds = returned.Select(l => l.OrderLineId!).ToList();
        var lastShipped = (await db.Shipments.AsNoTracking().Include(s => s.Lines).Where(s => s.OrderId == order.Id).ToListAsync(cancellationToken))
            .SelectMany(s => s.Lines.Where(l => lineIds.Contains(l.OrderLineId)).Select(l => (l.OrderLineId, s.ShippedAt, s.CreatedAt, s.FulfillmentOrderId)))
            .GroupBy(x => x.OrderLineId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(x => x.ShippedAt).ThenByDescending(x => x.CreatedAt).First().FulfillmentOrderId, StringComparer.Ordinal);
        var foIds = lastShipped.Values.Distinct().ToList();
        var locations = await db.FulfillmentOrders.AsNoTracking().Where(f => foIds.Contains(f.Id))
            .ToDictionaryAsync(f => f.Id, f => f.Location, cancellationToken);
        var skus = order.ProductLines.ToDictionary(l => l.Id, l => l.Sku ?? "", StringComparer.Ordinal);
        var restock = returned.Where(l => lastShipped.ContainsKey(l.OrderLineId!))
            .GroupBy(l => (Location: locations[lastShipped[l.OrderLineId!]], Sku: skus[l.OrderLineId!]))
            .Select(g => (g.Key.Location, g.Key.Sku, Quantity: -g.Sum(l => l.QuantityDelta)))
            .OrderBy(r => r.Location, StringComparer.Ordinal).ThenBy(r => r.Sku, StringComparer.Ordinal).ToList();
        foreach (var (location, sku, quantity) in restock) await AddAsync(location, sku, quantity, order.Id, actor, cancellationToken);
        return restock;
    }

    /// <summary>Adds returned units to on hand at a location (a stock level is created when the location never held the SKU).</summary>
    public async Task AddAsync(string location, string sku, int quantity, string orderId, string actor, CancellationToken cancellationToken)
    {
        var change = await ledger.AdjustAsync(location, sku, quantity, cancellationToken)
            ?? throw new InvalidOperationException($"Adding {quantity} to on hand of {sku} at {location} was refused.");
        audit.Record("stock_level", StockPaths.EntityId(location, sku), "stock_adjusted", actor, null, null, "return",
            new { delta = quantity, orderId, onHand = new { from = change.Before.OnHand, to = change.After.OnHand } });
    }
}
