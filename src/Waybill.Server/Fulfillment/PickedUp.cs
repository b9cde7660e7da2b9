using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// <c>POST /api/v1/fulfillment-orders/{id}/picked-up</c>: the customer collected everything still open at the store. It
/// is recorded as a shipment (delivered at once) and fulfills like one: order quantities, stock, events.
/// </summary>
public static class PickedUp
{
    public static RouteHandlerBuilder MapPickedUp(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapPost("/{id}/picked-up", Handle)
        .RequireAuthorization(FulfillmentModule.ActPolicy)
        .WithName("PickedUp");

    public static async Task<Ok<FulfillmentOrderResponse>> Handle(string id, FulfillmentActions actions, ShippedStock stock, IIdGenerator ids,
        HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, async (fo, now) =>
        {
            var shipment = fo.PickUp(ids.NewId(), now);
            return await stock.RecordAsync(fo, shipment, http.User.Actor(), now, cancellationToken);
        }, cancellationToken));
}
