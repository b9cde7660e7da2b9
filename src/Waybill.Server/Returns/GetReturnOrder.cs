using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Server.Data;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Returns;

/// <summary><c>GET /api/v1/return-orders/{id}</c>, with its version as the ETag.</summary>
public static class GetReturnOrder
{
    public static RouteHandlerBuilder MapGetReturnOrder(this RouteGroupBuilder returnOrders) => returnOrders
        .MapGet("/{id}", Handle)
        .RequireAuthorization(Policies.Read)
        .WithName("GetReturnOrder");

    public static async Task<Ok<ReturnOrderResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var returnOrder = await ReturnOrderRecords.LoadAsync(db, id, cancellationToken);
        http.Response.Headers.ETag = $"\"{returnOrder.Version}\"";
        return TypedResults.Ok(ReturnOrderResponse.From(returnOrder));
    }
}
