using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Fulfillment;
using Waybill.Server.Data;
using Waybill.Server.Platform;

namespace Waybill.Server.Fulfillment;

/// <summary><c>GET /api/v1/shipments/{id}</c>; a fulfillment key gets 403 for a shipment of another location's fulfillment order.</summary>
public static class GetShipment
{
    public static RouteHandlerBuilder MapGetShipment(this RouteGroupBuilder shipments) => shipments
        .MapGet("/{id}", Handle)
        .RequireAuthorization(FulfillmentModule.ReadPolicy)
        .WithName("GetShipment");

    public static async Task<Ok<ShipmentResponse>> Handle(string id, WaybillDb db, HttpContext http, CancellationToken cancellationToken)
    {
        var (shipment, location) = await ShipmentLoading.FindAsync(db, id, cancellationToken);
        http.User.EnsureMayWorkAt(location, $"Shipment {id}");
        http.Response.Headers.ETag = $"\"{shipment.Version}\"";
        return TypedResults.Ok(ShipmentResponse.From(shipment, location));
    }
}

public static class ShipmentLoading
{
    /// <summary>A shipment with its lines and tracking events, and the location it left from; 404 when there is none.</summary>
    public static async Task<(Shipment Shipment, string Location)> FindAsync(WaybillDb db, string id, CancellationToken cancellationToken)
    {
        var shipment = await db.Shipments.Include(s => s.Lines).Include(s => s.TrackingEvents).AsSplitQuery()
            .FirstOrDefaultAsync(s => s.Id == id, cancellationToken)
            ?? throw new ProblemException(Problems.NotFound("shipment", id));
        shipment.RestoreOrder();
        var location = await db.FulfillmentOrders.Where(f => f.Id == shipment.FulfillmentOrderId).Select(f => f.Location).FirstAsync(cancellationToken);
        return (shipment, location);
    }
}
