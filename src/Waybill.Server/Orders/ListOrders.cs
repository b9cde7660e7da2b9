using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Customers;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary><c>GET /api/v1/orders?status=&amp;channel=&amp;customerId=&amp;email=&amp;sku=&amp;from=&amp;to=&amp;q=</c>, newest first.</summary>
public static class ListOrders
{
    public static RouteHandlerBuilder MapListOrders(this RouteGroupBuilder orders) => orders
        .MapGet("/", Handle)
        .RequireAuthorization(Policies.ReadOrders)
        .WithName("ListOrders");

    public static async Task<Ok<Page<OrderResponse>>> Handle(
        WaybillDb db, HttpContext http, CancellationToken cancellationToken,
        string? status = null, string? channel = null, string? customerId = null, string? email = null, string? sku = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? q = null, int? limit = null, string? cursor = null)
    {
        var page = PageRequest.Parse(limit, cursor);
        var query = db.Orders.AsNoTracking().VisibleTo(http.User);
        if (status is not null)
        {
            var wanted = ParseStatus(status);
            query = query.Where(o => o.Status == wanted);
        }
        if (channel is not null) query = query.Where(o => o.Channel == channel);
        if (customerId is not null) query = query.Where(o => o.CustomerId == customerId);
        if (email is not null)
        {
            var key = Customer.KeyOf(email);
            query = query.Where(o => db.Customers.Any(c => c.Id == o.CustomerId && c.EmailKey == key));
        }
        if (sku is not null) query = query.Where(o => db.OrderLines.Any(l => l.OrderId == o.Id && l.Sku == sku));
        if (from is not null) query = query.Where(o => o.OrderedAt >= from.Value.ToUniversalTime());
        if (to is not null) query = query.Where(o => o.OrderedAt < to.Value.ToUniversalTime());
        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            var key = Customer.KeyOf(text);
            query = query.Where(o => o.OrderNumber == text || o.ExternalReference == text
                || db.Customers.Any(c => c.Id == o.CustomerId && c.EmailKey == key));
        }
        if (page.After is not null) query = query.Where(o => string.Compare(o.Id, page.After) < 0);

        var ids = await query.OrderByDescending(o => o.Id).Select(o => o.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var pageIds = ids.Take(page.Limit).ToList();
        var orders = await db.Orders.AsNoTracking().Whole().Where(o => pageIds.Contains(o.Id)).ToListAsync(cancellationToken);
        var customerIds = orders.Select(o => o.CustomerId).Distinct().ToList();
        var customers = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var byId = orders.ToDictionary(o => o.Id);
        var active = await Automation.ProcessExceptions.ProcessExceptions.ActiveCountsAsync(db, pageIds, cancellationToken);
        var fulfillmentOrders = await Fulfillment.FulfillmentRecords.ResponsesOfOrdersAsync(db, pageIds, cancellationToken);
        var shipped = orders.Where(o => o.Lines.Any(l => l.QuantityFulfilled > 0)).Select(o => o.Id).ToList();
        var invoices = shipped.Count == 0 ? Enumerable.Empty<object>().ToLookup(_ => "") : await Payments.Invoices.InvoiceRecords.ResponsesOfOrdersAsync(db, shipped, cancellationToken);

        return TypedResults.Ok(page.ToPage(ids, id => id, id =>
        {
            var order = byId[id];
            order.RestoreRequestOrder();
            return OrderResponse.From(order, customers[order.CustomerId], active.GetValueOrDefault(order.Id), [.. fulfillmentOrders[order.Id]], [.. invoices[order.Id]]);
        }));
    }

    private static readonly Dictionary<string, OrderStatus> StatusesByName =
        Enum.GetValues<OrderStatus>().ToDictionary(Domain.Common.StatusNames.Of, StringComparer.Ordinal);

    private static OrderStatus ParseStatus(string value) =>
        StatusesByName.TryGetValue(value, out var status)
            ? status
            : throw new ProblemException(Problems.Validation("status", $"'{value}' is not an order status: {string.Join(", ", StatusesByName.Keys)}."));
}
