using Microsoft.AspNetCore.Http.HttpResults;

namespace Waybill.Server.Fulfillment;

/// <summary><c>POST /api/v1/fulfillment-orders/{id}/start-picking</c>: the location starts picking and packing (assigned → pick_pack).</summary>
public static class StartPicking
{
    public static RouteHandlerBuilder MapStartPicking(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapPost("/{id}/start-picking", Handle)
        .RequireAuthorization(FulfillmentModule.ActPolicy)
        .WithName("StartPicking");

    public static async Task<Ok<FulfillmentOrderResponse>> Handle(string id, FulfillmentActions actions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, (fo, now) => { fo.StartPicking(now); return Task.FromResult<object?>(null); }, cancellationToken));
}
