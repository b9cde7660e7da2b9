using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Fulfillment;
using Waybill.Domain.Orders;
using Waybill.Domain.Tests.Orders;

namespace Waybill.Domain.Tests.Fulfillment;

/// <summary>
/// Random sequences of routing, shipping, rejecting and canceling keep domain.md's rules after every step: the line
/// quantity invariants (<c>canceled + allocated ≤ ordered</c>, <c>fulfilled ≤ allocated</c>), the line status that follows
/// from the quantities, the fulfillment order done exactly when nothing is open (fulfilled if anything shipped, else
/// canceled), and the order status of the shipment rows of the order table.
/// </summary>
public class ShipmentPropertyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    /// <summary>Kind 0 route, 1 ship, 2 reject, 3 cancel; Pick chooses the line, Percent the share.</summary>
    private sealed record Step(int Kind, int Pick, int Percent);

    private static Arbitrary<List<Step>> Steps() =>
        Gen.ListOf(
            from kind in Gen.Frequency((2, Gen.Constant(0)), (4, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)))
            from pick in Gen.Choose(0, 1000)
            from percent in Gen.Choose(0, 100)
            select new Step(kind, pick, percent)).Select(s => s.ToList()).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Shipping_rejecting_and_canceling_keep_quantities_and_statuses() =>
        Prop.ForAll(RandomOrders.Drafts(), Steps(), (draft, steps) =>
        {
            var ids = new SequentialIds();
            var order = Order.Capture(draft, "WB-000001", "c1", ids, Now);
            order.Approve(Now);
            var fulfillmentOrders = new List<FulfillmentOrder>();
            foreach (var step in steps)
            {
                var before = order.Status;
                order.ClearEvents();
                if (step.Kind == 0)
                {
                    if (!OrderTransitions.IsAllowed(OrderTransitions.Route, order.Status)
                        || !order.RoutableLines.Any(l => l.QuantityAvailableToFulfill > 0)) continue;
                    var allocations = order.RoutableLines
                        .Select(l => (l.Id, l.Sku!, Quantity: l.QuantityAvailableToFulfill * step.Percent / 100))
                        .Where(a => a.Quantity > 0).ToList();
                    order.RecordRouting([.. allocations.Select(a => (a.Id, a.Quantity))], null, Now);
                    if (allocations.Count > 0)
                        fulfillmentOrders.Add(FulfillmentOrder.Create(ids.NewId(), order.Id, order.OrderNumber, "WH" + step.Pick % 3,
                            order.DeliveryGroups[0].Id, "attempt", [.. allocations.Select(a => new FulfillmentLineDraft(a.Id, a.Item2, a.Quantity))], ids, Now));
                    var left = order.RoutableLines.Any(l => l.QuantityAvailableToFulfill > 0);
                    var shipped = order.RoutableLines.Any(l => l.QuantityFulfilled > 0);
                    var expected = left ? OrderStatus.Backordered : shipped ? OrderStatus.PartiallyFulfilled : OrderStatus.WaitingToFulfill;
                    if (order.Status != expected) return false.Label($"route: {order.Status}, expected {expected}");
                }
                else
                {
                    var open = fulfillmentOrders.Where(f => f.IsOpen).SelectMany(f => f.Lines.Where(l => l.QuantityOpen > 0).Select(l => (f, l))).ToList();
                    if (open.Count == 0) continue;
                    var (fo, line) = open[step.Pick % open.Count];
                    var quantity = Math.Max(1, line.QuantityOpen * step.Percent / 100);
                    if (step.Kind == 1)
                    {
                        var shipment = fo.Ship([(line.Id, quantity)], new ShipmentDetails("UPS", null, "1Z", Now), ids.NewId(), Now);
                        order.RecordShipment([.. shipment.Lines.Select(l => (l.OrderLineId, l.Quantity))], Now);
                        if (shipment.Status != ShipmentStatus.Shipped || shipment.Lines.Sum(l => l.Quantity) != quantity) return false.Label("shipment");
                        var lines = order.RoutableLines.Where(l => l.QuantityNetOrdered > 0).ToList();
                        var expected = lines.All(l => l.QuantityFulfilled == l.QuantityNetOrdered) ? OrderStatus.Fulfilled
                            : before == OrderStatus.Backordered && lines.Any(l => l.QuantityAvailableToFulfill > 0) ? OrderStatus.Backordered
                            : OrderStatus.PartiallyFulfilled;
                        if (order.Status != expected) return false.Label($"ship: {order.Status}, expected {expected}");
                        var changed = order.Events.Any(e => e.Type == OrderEventTypes.StatusChanged && e.PreviousStatus == before);
                        if (changed != (before != order.Status)) return false.Label("status_changed event");
                    }
                    else
                    {
                        var returned = step.Kind == 2
                            ? fo.RejectLines([(line.Id, quantity)], "out_of_stock", Now)
                            : fo.CancelLines([(line.Id, quantity)], null, Now);
                        foreach (var r in returned) order.ReturnAllocation(r.Line.OrderLineId, r.Quantity, Now);
                    }
                    var done = fo.Lines.All(l => l.QuantityOpen == 0);
                    var expectedFo = !done ? fo.Status
                        : fo.Lines.Any(l => l.QuantityShipped > 0) ? FulfillmentOrderStatus.Fulfilled : FulfillmentOrderStatus.Canceled;
                    if (done != !fo.IsOpen || fo.Status != expectedFo) return false.Label($"fulfillment order {fo.Status}");
                }

                foreach (var l in order.ProductLines)
                {
                    if (!l.QuantitiesAreConsistent) return false.Label("line invariants");
                    if (l.QuantityCanceled + l.QuantityAllocated > l.QuantityOrdered || l.QuantityFulfilled > l.QuantityAllocated) return false.Label("line invariants");
                    var foLines = fulfillmentOrders.SelectMany(f => f.Lines).Where(x => x.OrderLineId == l.Id).ToList();
                    if (foLines.Sum(x => x.QuantityOpen + x.QuantityShipped) != l.QuantityAllocated) return false.Label("allocated = open + shipped");
                    if (foLines.Sum(x => x.QuantityShipped) != l.QuantityFulfilled) return false.Label("fulfilled = shipped");
                    var expected = l.QuantityFulfilled == l.QuantityNetOrdered ? OrderLineStatus.Fulfilled
                        : l.QuantityFulfilled > 0 ? OrderLineStatus.PartiallyFulfilled
                        : l.QuantityAllocated == l.QuantityNetOrdered ? OrderLineStatus.Allocated
                        : l.QuantityAllocated > 0 ? OrderLineStatus.PartiallyAllocated : OrderLineStatus.Ordered;
                    if (l.Status != expected) return false.Label($"line status {l.Status}, expected {expected}");
                }
            }
            return true.ToProperty();
        });

    [Fact]
    public void Shipping_more_than_open_a_foreign_line_or_a_line_twice_changes_nothing()
    {
        var ids = new SequentialIds();
        var fo = FulfillmentOrder.Create("fo1", "o1", "WB-1", "WH1", "g1", "a1", [new FulfillmentLineDraft("l1", "A", 3)], ids, Now);
        var line = fo.Lines[0];
        var details = new ShipmentDetails("UPS", null, "1Z", Now);
        Assert.Equal("quantity_exceeds_remaining", Assert.Throws<DomainException>(() => fo.Ship([(line.Id, 4)], details, "s1", Now)).Code);
        var twice = Assert.Throws<DomainValidationException>(() => fo.Ship([(line.Id, 1), (line.Id, 1)], details, "s1", Now));
        Assert.Contains("lines[1].lineId", twice.Errors.Keys);
        var foreign = Assert.Throws<DomainValidationException>(() => fo.Ship([("nope", 1)], details, "s1", Now));
        Assert.Contains("lines[0].lineId", foreign.Errors.Keys);
        var zero = Assert.Throws<DomainValidationException>(() => fo.Ship([(line.Id, 0)], details, "s1", Now));
        Assert.Contains("lines[0].quantity", zero.Errors.Keys);
        Assert.Equal(0, line.QuantityShipped);
        Assert.Empty(fo.Shipments);
        Assert.Equal(FulfillmentOrderStatus.Allocated, fo.Status);

        fo.Ship([(line.Id, 3)], details, "s1", Now);
        Assert.Equal(FulfillmentOrderStatus.Fulfilled, fo.Status);
        Assert.Equal("invalid_transition", Assert.Throws<InvalidTransitionException>(() => fo.Ship([(line.Id, 1)], details, "s2", Now)).Code);
    }

    [Fact]
    public void Pickup_goes_ready_then_picked_up_only_for_pickup_groups()
    {
        var ids = new SequentialIds();
        var fo = FulfillmentOrder.Create("fo1", "o1", "WB-1", "STORE7", "g1", "a1", [new FulfillmentLineDraft("l1", "A", 2)], ids, Now);
        Assert.Throws<InvalidTransitionException>(() => fo.MarkReadyForPickup(true, Now)); // allocated: accept first
        fo.Accept(Now);
        Assert.Throws<InvalidTransitionException>(() => fo.PickUp("s1", Now));
        Assert.Throws<InvalidTransitionException>(() => fo.MarkReadyForPickup(false, Now));
        fo.MarkReadyForPickup(true, Now);
        Assert.Equal(FulfillmentOrderStatus.ReadyForPickup, fo.Status);
        Assert.Throws<InvalidTransitionException>(() => fo.Ship([(fo.Lines[0].Id, 1)], new ShipmentDetails("UPS", null, "1Z", Now), "s0", Now));
        var shipment = fo.PickUp("s1", Now);
        Assert.Equal(FulfillmentOrderStatus.Fulfilled, fo.Status);
        Assert.Equal(ShipmentStatus.Delivered, shipment.Status);
        Assert.Equal(2, shipment.Lines.Single().Quantity);
        Assert.Equal([ShipmentEventTypes.Created, ShipmentEventTypes.TrackingUpdated, ShipmentEventTypes.Delivered], shipment.Events);
    }

    private sealed record Tracked(int Status, int Minutes);

    /// <summary>Whatever order tracking events arrive in, they are kept by occurredAt and the status is the latest's, until delivered.</summary>
    [Property(MaxTest = 300)]
    public Property Tracking_status_is_the_latest_event_and_delivered_is_final() =>
        Prop.ForAll(Gen.ListOf(from s in Gen.Choose(1, 4) from m in Gen.Choose(0, 50) select new Tracked(s, m)).Select(x => x.ToList()).ToArbitrary(), events =>
        {
            var ids = new SequentialIds();
            var fo = FulfillmentOrder.Create("fo1", "o1", "WB-1", "WH1", "g1", "a1", [new FulfillmentLineDraft("l1", "A", 1)], ids, Now);
            var shipment = fo.Ship([(fo.Lines[0].Id, 1)], new ShipmentDetails("UPS", null, "1Z", Now), "s1", Now);
            var expected = ShipmentStatus.Shipped;
            var seen = new List<(DateTimeOffset At, int Arrival, ShipmentStatus Status)>();
            foreach (var e in events)
            {
                var status = (ShipmentStatus)e.Status;
                shipment.Track(new TrackingUpdate(status, Now.AddMinutes(e.Minutes), null, null), Now);
                seen.Add((Now.AddMinutes(e.Minutes), seen.Count, status));
                var latest = seen.OrderBy(x => x.At).ThenBy(x => x.Arrival).Last().Status;
                if (expected != ShipmentStatus.Delivered) expected = status == ShipmentStatus.Delivered ? status : latest;
                if (shipment.Status != expected) return false;
                var kept = shipment.TrackingEvents.Select(t => t.OccurredAt).ToList();
                if (!kept.SequenceEqual(kept.Order())) return false;
            }
            return shipment.TrackingEvents.Count == events.Count
                && shipment.Events.Count(t => t == ShipmentEventTypes.Delivered) == (events.Any(e => e.Status == (int)ShipmentStatus.Delivered) ? 1 : 0);
        });
}
