using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Data;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary><c>GET /api/v1/orders/{id}</c>: the order with its lines, totals and payments.</summary>
public static class GetOrder
{
    public static RouteHandlerBuilder MapGetOrder(this RouteGroupBuilder orders) => orders
        .MapGet("/{id}", Handle)
        .RequireAuthorization(Policies.ReadOrders)
        .WithName("GetOrder");

    public static async Task<Ok<OrderResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var (order, customer) = await OrderStore.ReadAsync(db, id, cancellationToken);
        if (!http.User.CanSee(order)) throw new ProblemException(Problems.NotFound("order", id));
        http.Response.Headers.ETag = $"\"{order.Version}\"";
        return TypedResults.Ok(await OrderStore.ResponseAsync(db, order, customer, cancellationToken));
    }
}
