using Waybill.Domain.Fulfillment;

namespace Waybill.Server.Fulfillment;

/// <summary>A shipment as the API returns it (api.md "Fulfillment"), and as its events carry it.</summary>
public sealed record ShipmentResponse(
    string Id,
    string FulfillmentOrderId,
    string OrderId,
    string Location,
    ShipmentStatus Status,
    string? Carrier,
    string? Service,
    string? TrackingNumber,
    DateTimeOffset ShippedAt,
    int Version,
    IReadOnlyList<ShipmentLineResponse> Lines,
    IReadOnlyList<TrackingEventResponse> TrackingEvents,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ShipmentResponse From(Shipment s, string location) => new(
        s.Id, s.FulfillmentOrderId, s.OrderId, location, s.Status, s.Carrier, s.Service, s.TrackingNumber, s.ShippedAt, s.Version,
        [.. s.Lines.OrderBy(l => l.Position).Select(l => new ShipmentLineResponse(l.FulfillmentOrderLineId, l.OrderLineId, l.Sku, l.Quantity))],
        [.. s.TrackingEvents.OrderBy(e => e.OccurredAt).ThenBy(e => e.Sequence)
            .Select(e => new TrackingEventResponse(e.Status, e.OccurredAt, e.Location, e.Description))],
        s.CreatedAt, s.UpdatedAt);
}

public sealed record ShipmentLineResponse(string FulfillmentOrderLineId, string OrderLineId, string Sku, int Quantity);

public sealed record TrackingEventResponse(ShipmentStatus Status, DateTimeOffset OccurredAt, string? Location, string? Description);
