using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Fulfillment;

/// <summary><c>POST /api/v1/fulfillment-orders/{id}/accept</c>: the location takes the fulfillment order on (allocated → assigned).</summary>
public static class AcceptFulfillmentOrder
{
    public static RouteHandlerBuilder MapAcceptFulfillmentOrder(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapPost("/{id}/accept", Handle)
        .RequireAuthorization(FulfillmentModule.ActPolicy)
        .WithName("AcceptFulfillmentOrder");

    public static async Task<Ok<FulfillmentOrderResponse>> Handle(string id, FulfillmentActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (fo, now) => { fo.Accept(now); return Task.FromResult<object?>(null); }, cancellationToken));
}
