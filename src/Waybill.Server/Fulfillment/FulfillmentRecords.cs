using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Common;
using Waybill.Domain.Fulfillment;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Fulfillment;

/// <summary>Loading fulfillment orders whole, and writing their changes to the outbox and the history.</summary>
public static class FulfillmentRecords
{
    /// <summary>A fulfillment order with its lines and its shipments (their lines and tracking events).</summary>
    public static IQueryable<FulfillmentOrder> Whole(this IQueryable<FulfillmentOrder> fulfillmentOrders) => fulfillmentOrders
        .Include(f => f.Lines)
        .Include(f => f.Shipments).ThenInclude(s => s.Lines)
        .Include(f => f.Shipments).ThenInclude(s => s.TrackingEvents)
        .AsSplitQuery();

    public static async Task<FulfillmentOrder?> FindAsync(WaybillDb db, string id, CancellationToken cancellationToken)
    {
        var fo = await db.FulfillmentOrders.Whole().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        fo?.RestoreLineOrder();
        return fo;
    }

    public static async Task<List<FulfillmentOrderResponse>> ResponsesOfOrderAsync(WaybillDb db, string orderId, CancellationToken cancellationToken)
    {
        // Every order response carries its fulfillment orders, and most responses (capture, approve, hold) come before
        // routing: one look first, rather than the five queries of the whole graph for nothing.
        if (!await db.FulfillmentOrders.AnyAsync(f => f.OrderId == orderId, cancellationToken)) return [];
        return (await db.FulfillmentOrders.AsNoTracking().Whole().Where(f => f.OrderId == orderId).OrderBy(f => f.Id).ToListAsync(cancellationToken))
            .Select(FulfillmentOrderResponse.From).ToList();
    }

    /// <summary>The fulfillment orders of a page of orders, in one query (a list shows each order whole, as GET /orders/{id} does).</summary>
    public static async Task<ILookup<string, FulfillmentOrderResponse>> ResponsesOfOrdersAsync(WaybillDb db, IReadOnlyCollection<string> orderIds,
        CancellationToken cancellationToken) =>
        (await db.FulfillmentOrders.AsNoTracking().Whole().Where(f => orderIds.Contains(f.OrderId)).OrderBy(f => f.Id).ToListAsync(cancellationToken))
        .Select(FulfillmentOrderResponse.From).ToLookup(f => f.OrderId);

    /// <summary>Each change: its event (subject the order, as for everything that belongs to an order) and its history entry.</summary>
    public static void RecordEvents(FulfillmentOrder fo, EventOutbox outbox, AuditTrail audit, string actor, object? changes = null)
    {
        var response = FulfillmentOrderResponse.From(fo);
        foreach (var e in fo.Events)
        {
            object data = e.Type == FulfillmentOrderEventTypes.StatusChanged
                ? new StatusChanged<FulfillmentOrderResponse, FulfillmentOrderStatus>(response, e.PreviousStatus)
                : response;
            outbox.Add(e.Type, fo.OrderId, data);
            audit.Record("fulfillment_order", fo.Id, e.Action, actor,
                e.PreviousStatus is { } from ? StatusNames.Of(from) : null, StatusNames.Of(e.Status), e.Reason, changes);
        }
        fo.ClearEvents();
    }
}
