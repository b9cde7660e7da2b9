using Waybill.Domain.Common;
using Waybill.Domain.Fulfillment;
using Waybill.Server.Platform;

namespace Waybill.Server.Fulfillment;

/// <summary>Writing a shipment's changes to the outbox (subject: the order) and to the history.</summary>
public static class ShipmentRecords
{
    public static void RecordEvents(Shipment shipment, string location, EventOutbox outbox, AuditTrail audit, string actor, ShipmentStatus? previous)
    {
        var response = ShipmentResponse.From(shipment, location);
        foreach (var type in shipment.Events)
        {
            outbox.Add(type, shipment.OrderId, response);
            var action = type switch
            {
                ShipmentEventTypes.Created => "ship",
                ShipmentEventTypes.Delivered => "deliver",
                _ => "track",
            };
            audit.Record("shipment", shipment.Id, action, actor,
                type == ShipmentEventTypes.Created ? null : previous is { } from ? StatusNames.Of(from) : null,
                StatusNames.Of(shipment.Status), null, null);
        }
        shipment.ClearEvents();
    }
}
