using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary>
/// One order action as both the HTTP API and the flow actions do it: load, act, record events and history — in the
/// caller's unit of work, with the actor passed in (a key's actor, or <c>flow:&lt;name&gt;</c>). The caller saves.
/// </summary>
public sealed class OrderOperations(WaybillDb db, EventOutbox outbox, AuditTrail audit, IClock clock)
{
    /// <param name="checkVersion">Checks the loaded order's version before acting (If-Match), when given.</param>
    public async Task<(Order Order, OrderResponse Response)> ActAsync(
        string orderId, Action<Order, DateTimeOffset> act, string actor, CancellationToken cancellationToken, Action<Order>? checkVersion = null)
    {
        var (order, customer) = await OrderStore.LoadAsync(db, orderId, cancellationToken);
        checkVersion?.Invoke(order);
        act(order, clock.UtcNow);
        var response = await OrderStore.ResponseAsync(db, order, customer, cancellationToken);
        OrderStore.RecordEvents(order, response, outbox, audit, actor);
        return (order, response);
    }

    /// <summary>The hold reason's rule, shared by the endpoint and the flow action; null when the reason is fine.</summary>
    public static string? HoldReasonProblem(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "reason is required: say why the order is held."
        : reason.Length > 500 ? "reason is at most 500 characters."
        : null;
}

/// <summary>What every order endpoint does around <see cref="OrderOperations"/>: If-Match, the request's actor, save, ETag.</summary>
public sealed class OrderActions(OrderOperations operations, RequestCommit commit, IHttpContextAccessor http)
{
    public async Task<OrderResponse> RunAsync(string orderId, Action<Order, DateTimeOffset> act, CancellationToken cancellationToken)
    {
        var context = http.HttpContext!;
        var (order, response) = await operations.ActAsync(orderId, act, context.User.Actor(), cancellationToken,
            order => OrderStore.CheckIfMatch(context.Request, order));
        await commit.SaveAsync(200, response, null, cancellationToken);
        context.Response.Headers.ETag = $"\"{order.Version}\"";
        return response;
    }
}
