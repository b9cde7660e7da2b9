using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Orders;
using Waybill.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// <c>POST /api/v1/fulfillment-orders/{id}/ready-for-pickup</c>: a pickup group's order is packed and waits at the store
/// (assigned or pick_pack → ready_for_pickup). A fulfillment order of a shipped group cannot be (409 invalid_transition).
/// </summary>
public static class ReadyForPickup
{
    public static RouteHandlerBuilder MapReadyForPickup(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapPost("/{id}/ready-for-pickup", Handle)
        .RequireAuthorization(FulfillmentModule.ActPolicy)
        .WithName("ReadyForPickup");

    public static async Task<Ok<FulfillmentOrderResponse>> Handle(string id, FulfillmentActions actions, WaybillDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await actions.RunAsync(id, async (fo, now) =>
        {
            var method = await db.DeliveryGroups.Where(g => g.Id == fo.DeliveryGroupId).Select(g => g.DeliveryMethod.Type).FirstAsync(cancellationToken);
            fo.MarkReadyForPickup(method == DeliveryMethodType.Pickup, now);
            return null;
        }, cancellationToken));
}
