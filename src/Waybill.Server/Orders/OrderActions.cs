using Waybill.Domain.Orders;
using Waybill.Server.Customers;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary>What every order action does around the domain call: load, check If-Match, act, record events and history, save.</summary>
public sealed class OrderActions(WaybillDb db, EventOutbox outbox, AuditTrail audit, RequestCommit commit, IClock clock, IHttpContextAccessor http)
{
    public async Task<OrderResponse> RunAsync(string orderId, Action<Order, DateTimeOffset> act, CancellationToken cancellationToken)
    {
        var context = http.HttpContext!;
        var (order, customer) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
        OrderStore.CheckIfMatch(context.Request, order);
        act(order, clock.UtcNow);
        var active = await Automation.ProcessExceptions.ProcessExceptions.ActiveCountAsync(db, order.Id, cancellationToken);
        var response = OrderResponse.From(order, customer, active);
        OrderStore.RecordEvents(order, response, outbox, audit, context.User.Actor());
        await commit.SaveAsync(200, response, null, cancellationToken);
        context.Response.Headers.ETag = $"\"{order.Version}\"";
        return response;
    }
}
