using Waybill.Domain.Fulfillment;

namespace Waybill.Server.Fulfillment;

/// <summary>A fulfillment order as the API returns it (api.md "Fulfillment"), and as its events carry it.</summary>
public sealed record FulfillmentOrderResponse(
    string Id,
    string OrderId,
    string OrderNumber,
    string Location,
    string DeliveryGroupId,
    string RoutingAttemptId,
    FulfillmentOrderStatus Status,
    int Version,
    IReadOnlyList<FulfillmentOrderLineResponse> Lines,
    IReadOnlyList<ShipmentResponse> Shipments,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static FulfillmentOrderResponse From(FulfillmentOrder f) => new(
        f.Id, f.OrderId, f.OrderNumber, f.Location, f.DeliveryGroupId, f.RoutingAttemptId, f.Status, f.Version,
        [.. f.Lines.OrderBy(l => l.Position).Select(FulfillmentOrderLineResponse.From)],
        [.. f.Shipments.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id, StringComparer.Ordinal).Select(x => ShipmentResponse.From(x, f.Location))],
        f.CreatedAt, f.UpdatedAt);
}

public sealed record FulfillmentOrderLineResponse(
    string Id, string OrderLineId, string Sku, int Quantity, int QuantityShipped, int QuantityRejected, int QuantityCanceled, int QuantityOpen)
{
    public static FulfillmentOrderLineResponse From(FulfillmentOrderLine l) =>
        new(l.Id, l.OrderLineId, l.Sku, l.Quantity, l.QuantityShipped, l.QuantityRejected, l.QuantityCanceled, l.QuantityOpen);
}
