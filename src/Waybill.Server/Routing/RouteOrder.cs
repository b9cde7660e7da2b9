using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Orders;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Routing;

/// <summary>
/// <c>POST /api/v1/orders/{id}/route</c> <c>{ "partial"? }</c>: route the order now (approved, backordered, or waiting
/// with quantity handed back by a location). 200 with the routing attempt. <c>partial</c> (default true) routes what can
/// ship now and backorders the rest; false allocates nothing unless everything can be routed.
/// </summary>
public static class RouteOrder
{
    public sealed record Request(bool? Partial);

    public static RouteHandlerBuilder MapRouteOrder(this RouteGroupBuilder orders) => orders
        .MapPost("/{id}/route", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("RouteOrder")
        .WithSummary("Route the order's unallocated quantity to locations now");

    public static async Task<Ok<RoutingAttemptResponse>> Handle(string id, Request? request, OrderRouter router, RequestCommit commit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var response = await commit.InTransactionAsync(async () =>
        {
            var (attempt, order) = await router.RouteAsync(id, request?.Partial ?? true, http.User.Actor(), cancellationToken,
                order => OrderStore.CheckIfMatch(http.Request, order));
            var body = RoutingAttemptResponse.From(attempt);
            await commit.SaveAsync(200, body, null, cancellationToken);
            http.Response.Headers.ETag = $"\"{order.Version}\"";
            return body;
        }, cancellationToken);
        return TypedResults.Ok(response);
    }
}
