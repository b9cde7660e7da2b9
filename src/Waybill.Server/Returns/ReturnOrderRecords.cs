using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Returns;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Returns;

/// <summary>Loading return orders and writing their changes to the outbox (subject: the order) and the history.</summary>
public static class ReturnOrderRecords
{
    public static async Task<ReturnOrder> LoadAsync(WaybillDb db, string id, CancellationToken cancellationToken)
    {
        var returnOrder = await db.ReturnOrders.Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
                          ?? throw new ProblemException(Problems.NotFound("return order", id));
        returnOrder.RestoreOrder();
        return returnOrder;
    }

    /// <summary>The order a return order belongs to, read before its row is locked (the order's lock serialises every change to both).</summary>
    public static async Task<string> OrderIdOfAsync(WaybillDb db, string id, CancellationToken cancellationToken) =>
        await db.ReturnOrders.AsNoTracking().Where(r => r.Id == id).Select(r => r.OrderId).FirstOrDefaultAsync(cancellationToken)
        ?? throw new ProblemException(Problems.NotFound("return order", id));

    /// <summary>
    /// The order's return orders as responses, oldest first, as this unit of work sees them (one changed or added here is
    /// shown as it is now). An order with nothing shipped can have none, and is answered without a query.
    /// </summary>
    public static async Task<IReadOnlyList<object>> ResponsesOfOrderAsync(WaybillDb db, Order order, CancellationToken cancellationToken)
    {
        if (!order.ProductLines.Any(l => l.QuantityFulfilled > 0)) return [];
        // A tracking query hands back the tracked instance of a return order this unit of work changed, not the saved row.
        var saved = await db.ReturnOrders.Include(r => r.Lines).Where(r => r.OrderId == order.Id).ToListAsync(cancellationToken);
        var added = db.ReturnOrders.Local.Where(r => r.OrderId == order.Id && saved.All(s => s.Id != r.Id));
        return [.. saved.Concat(added).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r =>
        {
            r.RestoreOrder();
            return (object)ReturnOrderResponse.From(r);
        })];
    }

    /// <summary>Writes the return order's new events to the outbox, and one history entry for what was done.</summary>
    public static void Record(ReturnOrder returnOrder, string action, ReturnOrderStatus? previous, EventOutbox outbox, AuditTrail audit, string actor,
        object? changes = null)
    {
        ArgumentNullException.ThrowIfNull(returnOrder);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(audit);
        if (returnOrder.Events.Count > 0)
        {
            var response = ReturnOrderResponse.From(returnOrder);
            foreach (var type in returnOrder.Events) outbox.Add(type, returnOrder.OrderId, response);
            returnOrder.ClearEvents();
        }
        audit.Record("return_order", returnOrder.Id, action, actor, previous is { } from ? StatusNames.Of(from) : null, StatusNames.Of(returnOrder.Status), null,
            changes);
    }
}
