using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Orders;
using Waybill.Server.Data;

namespace Waybill.Server.Orders.Changes;

/// <summary>The order's change orders for its response: looked up only for an order a change touched (no query otherwise).</summary>
public static class ChangeOrderRecords
{
    public static async Task<IReadOnlyList<object>> ResponsesOfOrderAsync(WaybillDb db, Order order, CancellationToken cancellationToken)
    {
        if (order.FeeAmount == 0 && !order.Lines.Any(l => l.QuantityCanceled > 0 || l.QuantityReturned > 0 || l.ChangedAmount != 0 || l.ChangedAdjustmentAmount != 0 || l.ChangedTaxAmount != 0))
            return [];
        var changes = await db.ChangeOrders.AsNoTracking().Where(c => c.OrderId == order.Id).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken);
        // The change being saved in this unit of work is not in the database yet.
        var pending = db.ChangeOrders.Local.Where(c => c.OrderId == order.Id && changes.All(s => s.Id != c.Id));
        return [.. changes.Concat(pending).Select(c => (object)ChangeOrderResponse.From(c, order.Taxation, order.Currency, saved: true))];
    }
}
