using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary><c>POST /api/v1/orders/{id}/approve</c>: a created or held order is approved (approving a held order releases the hold).</summary>
public static class ApproveOrder
{
    public static RouteHandlerBuilder MapApproveOrder(this RouteGroupBuilder orders) => orders
        .MapPost("/{id}/approve", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("ApproveOrder");

    public static async Task<Ok<OrderResponse>> Handle(string id, OrderActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (order, now) => order.Approve(now), cancellationToken));
}
