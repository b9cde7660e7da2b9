using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Customers;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Orders;

/// <summary>Loading orders whole (groups, lines, payments) and in request order — the shape every order use case starts from.</summary>
public static class OrderStore
{
    public static IQueryable<Order> Whole(this IQueryable<Order> orders) => orders
        .Include(o => o.DeliveryGroups).ThenInclude(g => g.Lines)
        .Include(o => o.Payments)
        .AsSplitQuery();

    public static async Task<(Order Order, Customer Customer)> LoadAsync(WaybillDb db, string id, CancellationToken cancellationToken)
    {
        // Groups and lines in one round trip (one row per line), payments in a second: not the four of a split query,
        // and no lines × payments product of a single one. Every order action and every flow step on an order starts here.
        var order = await db.Orders.Include(o => o.DeliveryGroups).ThenInclude(g => g.Lines).AsSingleQuery()
                        .FirstOrDefaultAsync(o => o.Id == id, cancellationToken)
                    ?? throw new ProblemException(Problems.NotFound("order", id));
        await db.Entry(order).Collection(o => o.Payments).LoadAsync(cancellationToken);
        order.RestoreRequestOrder();
        var customer = await db.Customers.FirstAsync(c => c.Id == order.CustomerId, cancellationToken);
        return (order, customer);
    }

    /// <summary>
    /// An order to read, not to change (a GET, a change's preview): loaded without change tracking — for a large order most
    /// of what loading it costs is the tracker's snapshot of every line (decision 0038).
    /// </summary>
    public static async Task<(Order Order, Customer Customer)> ReadAsync(WaybillDb db, string id, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().Whole().FirstOrDefaultAsync(o => o.Id == id, cancellationToken)
                    ?? throw new ProblemException(Problems.NotFound("order", id));
        order.RestoreRequestOrder();
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == order.CustomerId, cancellationToken);
        return (order, customer);
    }

    public static async Task<OrderResponse?> FindResponseAsync(WaybillDb db, string channel, string externalReference, CancellationToken cancellationToken)
    {
        var id = await db.Orders.AsNoTracking().Where(o => o.Channel == channel && o.ExternalReference == externalReference)
            .Select(o => o.Id).FirstOrDefaultAsync(cancellationToken);
        if (id is null) return null;
        var (order, customer) = await LoadAsync(db, id, cancellationToken);
        return OrderResponse.From(order, customer);
    }

    /// <summary>
    /// The order as the API shows it, with what other modules hold of it — open process exceptions, fulfillment orders,
    /// invoices, change orders, credit memos, return orders — each looked up only when the order can have some. Every order response and every order
    /// event is built here, so they all carry the same fields.
    /// </summary>
    /// <param name="fulfillmentOrders">
    /// Adjusts the saved fulfillment orders when the caller changed some in this unit of work (not saved yet).
    /// </param>
    public static async Task<OrderResponse> ResponseAsync(WaybillDb db, Order order, Customer customer, CancellationToken cancellationToken,
        Func<List<Fulfillment.FulfillmentOrderResponse>, IEnumerable<Fulfillment.FulfillmentOrderResponse>>? fulfillmentOrders = null)
    {
        var active = await Automation.ProcessExceptions.ProcessExceptions.ActiveCountAsync(db, order.Id, cancellationToken);
        var saved = await Fulfillment.FulfillmentRecords.ResponsesOfOrderAsync(db, order.Id, cancellationToken);
        var invoices = await Payments.Invoices.InvoiceRecords.ResponsesOfOrderAsync(db, order, cancellationToken);
        var changeOrders = await Changes.ChangeOrderRecords.ResponsesOfOrderAsync(db, order, cancellationToken);
        var creditMemos = await Payments.CreditMemos.CreditMemoRecords.ResponsesOfOrderAsync(db, order, cancellationToken);
        var returnOrders = await Returns.ReturnOrderRecords.ResponsesOfOrderAsync(db, order, cancellationToken);
        return OrderResponse.From(order, customer, active, [.. fulfillmentOrders is null ? saved : fulfillmentOrders(saved)], invoices, changeOrders, creditMemos,
            returnOrders);
    }

    /// <summary>Writes the order's new events to the outbox and its history, each with the order as it is now.</summary>
    public static void RecordEvents(Order order, OrderResponse response, EventOutbox outbox, AuditTrail audit, string actor)
    {
        foreach (var e in order.Events)
        {
            object data = e.Type == OrderEventTypes.StatusChanged
                ? new StatusChanged<OrderResponse, OrderStatus>(response, e.PreviousStatus)
                : response;
            outbox.Add(e.Type, order.Id, data);
            // One history entry per change: the capture, and every status change (approve, hold, release-hold, …).
            if (e.Type is OrderEventTypes.Created or OrderEventTypes.StatusChanged)
            {
                // The capture's own record says what was taken in; a status change says it with its statuses.
                object? changes = e.Type == OrderEventTypes.Created
                    ? new { response.OrderNumber, response.Currency, response.Totals.GrandTotalAmount, lines = response.DeliveryGroups.Sum(g => g.Lines.Count) }
                    : null;
                audit.Record("order", order.Id, e.Action, actor,
                    e.PreviousStatus is { } from ? Domain.Common.StatusNames.Of(from) : null,
                    Domain.Common.StatusNames.Of(e.Status), e.Reason, changes);
            }
        }
        order.ClearEvents();
    }

    public static void CheckIfMatch(HttpRequest request, Order order) => IfMatch.Check(request, order.Version);
}
