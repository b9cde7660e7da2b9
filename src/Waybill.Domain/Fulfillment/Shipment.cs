using Waybill.Domain.Common;

namespace Waybill.Domain.Fulfillment;

public enum ShipmentStatus
{
    Shipped,
    InTransit,
    OutForDelivery,
    Delivered,
    Exception,
}

public static class ShipmentEventTypes
{
    public const string Created = "shipment.created";
    public const string TrackingUpdated = "shipment.tracking_updated";
    public const string Delivered = "shipment.delivered";
}

/// <summary>What the location says about a parcel: the carrier and tracking number (an ASN); only the carrier is required for a pickup.</summary>
public sealed record ShipmentDetails(string? Carrier, string? Service, string? TrackingNumber, DateTimeOffset ShippedAt);

/// <summary>A carrier's word on where a parcel is.</summary>
public sealed record TrackingUpdate(ShipmentStatus Status, DateTimeOffset OccurredAt, string? Location, string? Description);

/// <summary>
/// Quantities of one fulfillment order that left the location together (domain.md "Statuses"). A new shipment is
/// <c>shipped</c>; afterwards its status is that of its latest tracking event by <c>occurredAt</c>, and <c>delivered</c>
/// is final: once a delivered event is in, every other event (dated before or after it) is recorded and the status stays.
/// </summary>
public sealed class Shipment
{
    private readonly List<ShipmentLine> _lines = [];
    private readonly List<TrackingEvent> _trackingEvents = [];
    private readonly List<string> _events = [];

    private Shipment() { }

    public string Id { get; private set; } = "";
    public string FulfillmentOrderId { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public ShipmentStatus Status { get; private set; }
    public string? Carrier { get; private set; }
    public string? Service { get; private set; }
    public string? TrackingNumber { get; private set; }
    public DateTimeOffset ShippedAt { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public IReadOnlyList<ShipmentLine> Lines => _lines;
    /// <summary>In <c>occurredAt</c> order (ties: in the order they were received).</summary>
    public IReadOnlyList<TrackingEvent> TrackingEvents => _trackingEvents;
    /// <summary>Event types raised since load (<see cref="ShipmentEventTypes"/>), oldest first.</summary>
    public IReadOnlyList<string> Events => _events;

    internal static Shipment Create(string id, FulfillmentOrder fo, ShipmentDetails details, IEnumerable<(FulfillmentOrderLine Line, int Quantity)> lines, DateTimeOffset now)
    {
        var shipment = new Shipment
        {
            Id = id, FulfillmentOrderId = fo.Id, OrderId = fo.OrderId, Status = ShipmentStatus.Shipped,
            Carrier = details.Carrier, Service = details.Service, TrackingNumber = details.TrackingNumber, ShippedAt = details.ShippedAt,
            Version = 1, CreatedAt = now, UpdatedAt = now,
        };
        var position = 0;
        foreach (var (line, quantity) in lines)
            shipment._lines.Add(new ShipmentLine(id, line.Id, line.OrderLineId, line.Sku, quantity, position++));
        shipment._events.Add(ShipmentEventTypes.Created);
        return shipment;
    }

    /// <summary>Records a tracking event; the status follows the latest one unless the parcel was already delivered.</summary>
    public void Track(TrackingUpdate update, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Status == ShipmentStatus.Shipped)
        {
            var errors = new FieldErrors();
            errors.Add("status", "A tracking event's status is in_transit, out_for_delivery, delivered or exception.");
            errors.ThrowIfAny();
        }
        var sequence = _trackingEvents.Count == 0 ? 0 : _trackingEvents.Max(e => e.Sequence) + 1;
        _trackingEvents.Add(new TrackingEvent(Id, update.Status, update.OccurredAt, update.Location, update.Description, sequence));
        SortTrackingEvents();
        UpdatedAt = now;
        Version++;
        _events.Add(ShipmentEventTypes.TrackingUpdated);
        if (Status == ShipmentStatus.Delivered) return;
        // Delivered is final whenever its event says it happened: an event dated after it changes nothing.
        Status = update.Status == ShipmentStatus.Delivered ? ShipmentStatus.Delivered : _trackingEvents[^1].Status;
        if (Status == ShipmentStatus.Delivered) _events.Add(ShipmentEventTypes.Delivered);
    }

    public void ClearEvents() => _events.Clear();

    /// <summary>EF Core loads children unordered.</summary>
    public void RestoreOrder()
    {
        _lines.Sort((a, b) => a.Position.CompareTo(b.Position));
        SortTrackingEvents();
    }

    private void SortTrackingEvents() => _trackingEvents.Sort((a, b) =>
        a.OccurredAt != b.OccurredAt ? a.OccurredAt.CompareTo(b.OccurredAt) : a.Sequence.CompareTo(b.Sequence));
}

public sealed class ShipmentLine
{
    private ShipmentLine() { }

    internal ShipmentLine(string shipmentId, string fulfillmentOrderLineId, string orderLineId, string sku, int quantity, int position)
    {
        ShipmentId = shipmentId;
        FulfillmentOrderLineId = fulfillmentOrderLineId;
        OrderLineId = orderLineId;
        Sku = sku;
        Quantity = quantity;
        Position = position;
    }

    public string ShipmentId { get; private set; } = "";
    public string FulfillmentOrderLineId { get; private set; } = "";
    public string OrderLineId { get; private set; } = "";
    public string Sku { get; private set; } = "";
    public int Quantity { get; private set; }
    public int Position { get; private set; }
}

public sealed class TrackingEvent
{
    private TrackingEvent() { }

    internal TrackingEvent(string shipmentId, ShipmentStatus status, DateTimeOffset occurredAt, string? location, string? description, int sequence)
    {
        ShipmentId = shipmentId;
        Status = status;
        OccurredAt = occurredAt;
        Location = location;
        Description = description;
        Sequence = sequence;
    }

    public string ShipmentId { get; private set; } = "";
    public ShipmentStatus Status { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public string? Location { get; private set; }
    public string? Description { get; private set; }
    /// <summary>Arrival order: breaks ties between events of the same instant.</summary>
    public int Sequence { get; private set; }
}
