using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Orders;

/// <summary><c>POST /api/v1/orders/{id}/release-hold</c> (no body): the order goes back to the status it had before the hold.</summary>
public static class ReleaseHold
{
    public static RouteHandlerBuilder MapReleaseHold(this RouteGroupBuilder orders) => orders
        .MapPost("/{id}/release-hold", Handle)
        .RequireAuthorization(Policies.ActOnOrders)
        .WithName("ReleaseHold");

    public static async Task<Ok<OrderResponse>> Handle(string id, OrderActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (order, now) => order.ReleaseHold(null, now), cancellationToken));
}
