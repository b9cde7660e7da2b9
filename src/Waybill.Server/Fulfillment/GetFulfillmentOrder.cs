using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Fulfillment;

/// <summary><c>GET /api/v1/fulfillment-orders/{id}</c>; a fulfillment key gets 403 for another location's.</summary>
public static class GetFulfillmentOrder
{
    public static RouteHandlerBuilder MapGetFulfillmentOrder(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapGet("/{id}", Handle)
        .RequireAuthorization(FulfillmentModule.ReadPolicy)
        .WithName("GetFulfillmentOrder");

    public static async Task<Ok<FulfillmentOrderResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var fo = await FulfillmentRecords.FindAsync(db, id, cancellationToken) ?? throw new ProblemException(Problems.NotFound("fulfillment order", id));
        http.User.EnsureMayWorkOn(fo);
        http.Response.Headers.ETag = $"\"{fo.Version}\"";
        return TypedResults.Ok(FulfillmentOrderResponse.From(fo));
    }
}
