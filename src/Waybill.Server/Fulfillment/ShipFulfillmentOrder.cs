using Microsoft.AspNetCore.Http.HttpResults;
using Waybill.Domain.Common;
using Waybill.Domain.Fulfillment;
using Waybill.Server.Platform;
using Waybill.Server.Platform.ApiKeys;

namespace Waybill.Server.Fulfillment;

/// <summary>
/// <c>POST /api/v1/fulfillment-orders/{id}/shipments</c> (the advance shipping notice)
/// <c>{ "carrier", "service"?, "trackingNumber", "lines": [{ "lineId", "quantity" }], "shippedAt"? }</c> → 201 with the
/// shipment. One transaction: the fulfillment order lines, the order's reservation fulfilled at the location, the order
/// line quantities and the order's status, the events and the history.
/// </summary>
public static class ShipFulfillmentOrder
{
    public sealed record Request(string? Carrier, string? Service, string? TrackingNumber, List<FulfillmentLineInput?>? Lines, DateTimeOffset? ShippedAt);

    public static RouteHandlerBuilder MapShipFulfillmentOrder(this RouteGroupBuilder fulfillmentOrders) => fulfillmentOrders
        .MapPost("/{id}/shipments", Handle)
        .RequireAuthorization(FulfillmentModule.ActPolicy)
        .WithName("ShipFulfillmentOrder");

    public static async Task<Created<ShipmentResponse>> Handle(string id, Request request, FulfillmentActions actions, ShippedStock stock,
        IIdGenerator ids, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var lines = FulfillmentLineInputs.Parse(request.Lines, errors);
        var carrier = Text(request.Carrier, "carrier", 64, required: true, errors);
        var trackingNumber = Text(request.TrackingNumber, "trackingNumber", 100, required: true, errors);
        var service = Text(request.Service, "service", 64, required: false, errors);
        errors.ThrowIfAny();
        var shipmentId = ids.NewId();
        var response = await actions.RunAsync(id, 201, async (fo, now) =>
        {
            var shipment = fo.Ship(lines, new ShipmentDetails(carrier, service, trackingNumber, request.ShippedAt ?? now), shipmentId, now);
            return await stock.RecordAsync(fo, shipment, http.User.Actor(), now, cancellationToken);
        }, fo => ShipmentResponse.From(fo.Shipments.Single(s => s.Id == shipmentId), fo.Location), s => ShipmentPaths.Of(s.Id), cancellationToken);
        return TypedResults.Created(ShipmentPaths.Of(response.Id), response);
    }

    /// <summary>A carrier name, service or tracking number: trimmed, at most <paramref name="max"/> characters.</summary>
    internal static string? Text(string? value, string field, int max, bool required, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, $"{field} is required.");
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length > max) errors.Add(field, $"{field} is at most {max} characters.");
        return trimmed;
    }
}

public static class ShipmentPaths
{
    public static string Of(string id) => $"/api/v1/shipments/{id}";
}
