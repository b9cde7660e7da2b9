using Waybill.Domain.Common;

namespace Waybill.Domain.Fulfillment;

public enum FulfillmentOrderStatus
{
    Draft,
    Allocated,
    /// <summary>The location accepted it.</summary>
    Assigned,
    PickPack,
    ReadyForPickup,
    Fulfilled,
    Canceled,
}

/// <summary>What one order line sends to the location: a SKU and a quantity.</summary>
public sealed record FulfillmentLineDraft(string OrderLineId, string Sku, int Quantity);

/// <summary>A quantity taken off a fulfillment order line (rejected or canceled), for the order line and the stock to follow.</summary>
public sealed record ReturnedQuantity(FulfillmentOrderLine Line, int Quantity);

/// <summary>A change of a fulfillment order, raised by the aggregate; the caller writes it to the outbox and the history.</summary>
public sealed record FulfillmentOrderEvent(string Type, string Action, FulfillmentOrderStatus? PreviousStatus, FulfillmentOrderStatus Status, string? Reason);

public static class FulfillmentOrderEventTypes
{
    public const string Created = "fulfillment_order.created";
    public const string StatusChanged = "fulfillment_order.status_changed";
    public const string LinesRejected = "fulfillment_order.lines_rejected";
}

/// <summary>
/// Lines of one order sent to one location for one delivery group (domain.md "Statuses"). Created by routing in status
/// <c>allocated</c>; a reroute never adds lines to an existing one. It is done — <c>fulfilled</c>, or <c>canceled</c>
/// when nothing of it shipped — once every line is shipped, rejected or canceled.
/// </summary>
public sealed class FulfillmentOrder
{
    private readonly List<FulfillmentOrderLine> _lines = [];
    private readonly List<FulfillmentOrderEvent> _events = [];
    private readonly List<Shipment> _shipments = [];

    private FulfillmentOrder() { }

    public string Id { get; private set; } = "";
    public string OrderId { get; private set; } = "";
    public string OrderNumber { get; private set; } = "";
    public string Location { get; private set; } = "";
    public string DeliveryGroupId { get; private set; } = "";
    public string RoutingAttemptId { get; private set; } = "";
    public FulfillmentOrderStatus Status { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public IReadOnlyList<FulfillmentOrderLine> Lines => _lines;
    public IReadOnlyList<FulfillmentOrderEvent> Events => _events;
    /// <summary>Shipments of this fulfillment order, oldest first.</summary>
    public IReadOnlyList<Shipment> Shipments => _shipments;

    public bool IsOpen => Status is not (FulfillmentOrderStatus.Fulfilled or FulfillmentOrderStatus.Canceled);

    public static FulfillmentOrder Create(
        string id, string orderId, string orderNumber, string location, string deliveryGroupId, string routingAttemptId,
        IReadOnlyList<FulfillmentLineDraft> lines, IIdGenerator ids, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(ids);
        if (lines.Count == 0 || lines.Any(l => l.Quantity <= 0))
            throw new ArgumentException("A fulfillment order ships at least one line, each with a positive quantity.", nameof(lines));
        var order = new FulfillmentOrder
        {
            Id = id, OrderId = orderId, OrderNumber = orderNumber, Location = location, DeliveryGroupId = deliveryGroupId,
            RoutingAttemptId = routingAttemptId, Status = FulfillmentOrderStatus.Allocated, Version = 1, CreatedAt = now, UpdatedAt = now,
        };
        for (var i = 0; i < lines.Count; i++)
            order._lines.Add(new FulfillmentOrderLine(ids.NewId(), id, lines[i].OrderLineId, lines[i].Sku, lines[i].Quantity, i));
        order._events.Add(new FulfillmentOrderEvent(FulfillmentOrderEventTypes.Created, "create", null, order.Status, null));
        return order;
    }

    public void Accept(DateTimeOffset now) => Move(FulfillmentOrderTransitions.Accept, FulfillmentOrderStatus.Assigned, now);

    public void StartPicking(DateTimeOffset now) => Move(FulfillmentOrderTransitions.StartPicking, FulfillmentOrderStatus.PickPack, now);

    /// <summary>The location cannot ship these quantities: they go back to the order line, to be routed elsewhere.</summary>
    public IReadOnlyList<ReturnedQuantity> RejectLines(IReadOnlyList<(string LineId, int Quantity)> lines, string reason, DateTimeOffset now)
    {
        var taken = TakeBack(FulfillmentOrderTransitions.RejectLines, lines, (line, q) => line.QuantityRejected += q);
        _events.Add(new FulfillmentOrderEvent(FulfillmentOrderEventTypes.LinesRejected, FulfillmentOrderTransitions.RejectLines, Status, Status, reason));
        Finish(FulfillmentOrderTransitions.RejectLines, reason, now);
        return taken;
    }

    /// <summary>Allocated, unshipped quantities are taken back (stock released there); they may be canceled or routed again.</summary>
    public IReadOnlyList<ReturnedQuantity> CancelLines(IReadOnlyList<(string LineId, int Quantity)> lines, string? reason, DateTimeOffset now)
    {
        var taken = TakeBack(FulfillmentOrderTransitions.CancelLines, lines, (line, q) => line.QuantityCanceled += q);
        Finish(FulfillmentOrderTransitions.CancelLines, reason, now);
        return taken;
    }

    /// <summary>
    /// Quantities left the location (the advance shipping notice): partial shipments are allowed, each line at most
    /// what it has open, each line once. The fulfillment order is done when nothing is left open.
    /// </summary>
    public Shipment Ship(IReadOnlyList<(string LineId, int Quantity)> lines, ShipmentDetails details, string shipmentId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(details);
        FulfillmentOrderTransitions.EnsureAllowed(FulfillmentOrderTransitions.Ship, Status);
        var errors = new FieldErrors();
        if (lines.Count == 0) errors.Add("lines", "lines needs at least one line.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var (lineId, quantity) = lines[i];
            if (_lines.Find(l => l.Id == lineId) is null) errors.Add($"lines[{i}].lineId", $"This fulfillment order has no line '{lineId}'.");
            else if (!seen.Add(lineId)) errors.Add($"lines[{i}].lineId", $"Line '{lineId}' is named twice; name each line once with its whole quantity.");
            if (quantity <= 0) errors.Add($"lines[{i}].quantity", "quantity must be above zero.");
        }
        errors.ThrowIfAny();
        var shipped = new List<(FulfillmentOrderLine, int)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = _lines.Find(l => l.Id == lines[i].LineId)!;
            if (lines[i].Quantity > line.QuantityOpen)
                throw new DomainException("quantity_exceeds_remaining",
                    $"lines[{i}]: line {line.Id} ({line.Sku}) has {line.QuantityOpen} left to ship; {lines[i].Quantity} cannot be shipped.");
            shipped.Add((line, lines[i].Quantity));
        }
        return Dispatch(FulfillmentOrderTransitions.Ship, details, shipped, shipmentId, now);
    }

    /// <summary>A pickup group's order is packed and waiting at the store for the customer.</summary>
    public void MarkReadyForPickup(bool isPickupGroup, DateTimeOffset now)
    {
        if (!isPickupGroup)
            throw new InvalidTransitionException("fulfillment order", StatusNames.Of(Status) + " of a delivery group that is not picked up", FulfillmentOrderTransitions.ReadyForPickup);
        Move(FulfillmentOrderTransitions.ReadyForPickup, FulfillmentOrderStatus.ReadyForPickup, now);
    }

    /// <summary>The customer collected everything still open: one shipment record, delivered at once, and the fulfillment order is done.</summary>
    public Shipment PickUp(string shipmentId, DateTimeOffset now)
    {
        FulfillmentOrderTransitions.EnsureAllowed(FulfillmentOrderTransitions.PickedUp, Status);
        var open = _lines.Where(l => l.QuantityOpen > 0).Select(l => (l, l.QuantityOpen)).ToList();
        var shipment = Dispatch(FulfillmentOrderTransitions.PickedUp, new ShipmentDetails(null, "pickup", null, now), open, shipmentId, now);
        shipment.Track(new TrackingUpdate(ShipmentStatus.Delivered, now, Location, "Picked up by the customer"), now);
        return shipment;
    }

    public void ClearEvents() => _events.Clear();

    /// <summary>EF Core loads children unordered.</summary>
    public void RestoreLineOrder()
    {
        _lines.Sort((a, b) => a.Position.CompareTo(b.Position));
        _shipments.Sort((a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));
        foreach (var s in _shipments) s.RestoreOrder();
    }

    private Shipment Dispatch(string action, ShipmentDetails details, List<(FulfillmentOrderLine Line, int Quantity)> shipped, string shipmentId, DateTimeOffset now)
    {
        foreach (var (line, quantity) in shipped) line.QuantityShipped += quantity;
        var shipment = Shipment.Create(shipmentId, this, details, shipped, now);
        _shipments.Add(shipment);
        Finish(action, null, now);
        return shipment;
    }

    private List<ReturnedQuantity> TakeBack(string action, IReadOnlyList<(string LineId, int Quantity)> lines, Action<FulfillmentOrderLine, int> take)
    {
        FulfillmentOrderTransitions.EnsureAllowed(action, Status);
        var errors = new FieldErrors();
        if (lines.Count == 0) errors.Add("lines", "lines needs at least one line.");
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var (lineId, quantity) = lines[i];
            if (_lines.Find(l => l.Id == lineId) is null) errors.Add($"lines[{i}].lineId", $"This fulfillment order has no line '{lineId}'.");
            if (quantity <= 0) errors.Add($"lines[{i}].quantity", "quantity must be above zero.");
            else wanted[lineId] = wanted.GetValueOrDefault(lineId) + quantity;
        }
        errors.ThrowIfAny();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = _lines.Find(l => l.Id == lines[i].LineId)!;
            if (wanted[line.Id] > line.QuantityOpen)
                throw new DomainException("quantity_exceeds_remaining",
                    $"lines[{i}]: line {line.Id} ({line.Sku}) has {line.QuantityOpen} left to ship; {wanted[line.Id]} cannot be taken from it.");
        }
        var taken = new List<ReturnedQuantity>();
        foreach (var (lineId, quantity) in lines)
        {
            var line = _lines.Find(l => l.Id == lineId)!;
            take(line, quantity);
            taken.Add(new ReturnedQuantity(line, quantity));
        }
        return taken;
    }

    /// <summary>Every line shipped, rejected or canceled: the fulfillment order is done.</summary>
    private void Finish(string action, string? reason, DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
        if (_lines.Any(l => l.QuantityOpen > 0)) return;
        var previous = Status;
        Status = _lines.Any(l => l.QuantityShipped > 0) ? FulfillmentOrderStatus.Fulfilled : FulfillmentOrderStatus.Canceled;
        _events.Add(new FulfillmentOrderEvent(FulfillmentOrderEventTypes.StatusChanged, action, previous, Status, reason));
    }

    private void Move(string action, FulfillmentOrderStatus to, DateTimeOffset now)
    {
        FulfillmentOrderTransitions.EnsureAllowed(action, Status);
        var previous = Status;
        Status = to;
        UpdatedAt = now;
        Version++;
        _events.Add(new FulfillmentOrderEvent(FulfillmentOrderEventTypes.StatusChanged, action, previous, Status, null));
    }
}

/// <summary>One order line's quantity at the location, and what became of it.</summary>
public sealed class FulfillmentOrderLine
{
    private FulfillmentOrderLine() { }

    internal FulfillmentOrderLine(string id, string fulfillmentOrderId, string orderLineId, string sku, int quantity, int position)
    {
        Id = id;
        FulfillmentOrderId = fulfillmentOrderId;
        OrderLineId = orderLineId;
        Sku = sku;
        Quantity = quantity;
        Position = position;
    }

    public string Id { get; private set; } = "";
    public string FulfillmentOrderId { get; private set; } = "";
    public string OrderLineId { get; private set; } = "";
    public string Sku { get; private set; } = "";
    public int Position { get; private set; }
    public int Quantity { get; private set; }
    public int QuantityShipped { get; internal set; }
    public int QuantityRejected { get; internal set; }
    public int QuantityCanceled { get; internal set; }

    /// <summary>Still to be shipped, rejected or canceled: the quantity the order line counts as allocated here.</summary>
    public int QuantityOpen => Quantity - QuantityShipped - QuantityRejected - QuantityCanceled;
}

/// <summary>The fulfillment order's one transition table (domain.md "Statuses"); anything else is 409 invalid_transition.</summary>
public static class FulfillmentOrderTransitions
{
    public const string Accept = "accept";
    public const string StartPicking = "start-picking";
    public const string RejectLines = "reject-lines";
    public const string CancelLines = "cancel-lines";
    public const string Ship = "ship";
    public const string ReadyForPickup = "ready-for-pickup";
    public const string PickedUp = "picked-up";

    private static readonly FulfillmentOrderStatus[] Working =
        [FulfillmentOrderStatus.Allocated, FulfillmentOrderStatus.Assigned, FulfillmentOrderStatus.PickPack, FulfillmentOrderStatus.ReadyForPickup];

    private static readonly Dictionary<string, FulfillmentOrderStatus[]> AllowedFrom = new(StringComparer.Ordinal)
    {
        [Accept] = [FulfillmentOrderStatus.Allocated],
        [StartPicking] = [FulfillmentOrderStatus.Assigned],
        [RejectLines] = Working,
        [CancelLines] = Working,
        [Ship] = [FulfillmentOrderStatus.Allocated, FulfillmentOrderStatus.Assigned, FulfillmentOrderStatus.PickPack],
        [ReadyForPickup] = [FulfillmentOrderStatus.Assigned, FulfillmentOrderStatus.PickPack],
        [PickedUp] = [FulfillmentOrderStatus.ReadyForPickup],
    };

    public static bool IsAllowed(string action, FulfillmentOrderStatus from) =>
        AllowedFrom.TryGetValue(action, out var statuses) && statuses.Contains(from);

    public static void EnsureAllowed(string action, FulfillmentOrderStatus from)
    {
        if (!IsAllowed(action, from))
            throw new InvalidTransitionException("fulfillment order", StatusNames.Of(from), action);
    }
}
