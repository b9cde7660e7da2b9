using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Fulfillment;
using Waybill.Domain.Orders;
using Waybill.Domain.Tests.Orders;

namespace Waybill.Domain.Tests.Fulfillment;

/// <summary>
/// Random sequences of routing, rejected and canceled fulfillment order lines keep the order line quantities of
/// domain.md: <c>canceled + allocated ≤ ordered</c>, <c>fulfilled ≤ allocated</c>, the line status follows from the
/// quantities, and what the open fulfillment order lines hold is exactly the lines' allocated quantity.
/// </summary>
public class FulfillmentQuantityTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    /// <summary>One step: route (a share of each line's unallocated quantity), reject or cancel (a share of one FO line's open quantity).</summary>
    private sealed record Step(int Kind, int Pick, int Percent);

    private static Arbitrary<List<Step>> Steps() =>
        Gen.ListOf(
            from kind in Gen.Choose(0, 2)
            from pick in Gen.Choose(0, 1000)
            from percent in Gen.Choose(0, 100)
            select new Step(kind, pick, percent)).Select(s => s.ToList()).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Routing_rejecting_and_canceling_keep_the_line_quantities_consistent() =>
        Prop.ForAll(RandomOrders.Drafts(), Steps(), (draft, steps) =>
        {
            var ids = new SequentialIds();
            var order = Order.Capture(draft, "WB-000001", "c1", ids, Now);
            order.Approve(Now);
            var fulfillmentOrders = new List<FulfillmentOrder>();
            foreach (var step in steps)
            {
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
                    // Every route either allocates all that is left (waiting) or leaves the order backordered.
                    var left = order.RoutableLines.Any(l => l.QuantityAvailableToFulfill > 0);
                    if (order.Status != (left ? OrderStatus.Backordered : OrderStatus.WaitingToFulfill)) return false;
                }
                else
                {
                    var open = fulfillmentOrders.Where(f => f.IsOpen).SelectMany(f => f.Lines.Where(l => l.QuantityOpen > 0).Select(l => (f, l))).ToList();
                    if (open.Count == 0) continue;
                    var (fo, line) = open[step.Pick % open.Count];
                    var quantity = Math.Max(1, line.QuantityOpen * step.Percent / 100);
                    var returned = step.Kind == 1
                        ? fo.RejectLines([(line.Id, quantity)], "out_of_stock", Now)
                        : fo.CancelLines([(line.Id, quantity)], null, Now);
                    foreach (var r in returned) order.ReturnAllocation(r.Line.OrderLineId, r.Quantity, Now);
                    if (fo.Lines.All(l => l.QuantityOpen == 0) && fo.Status != FulfillmentOrderStatus.Canceled) return false;
                }

                foreach (var l in order.ProductLines)
                {
                    if (!l.QuantitiesAreConsistent) return false;
                    if (l.QuantityCanceled + l.QuantityAllocated > l.QuantityOrdered || l.QuantityFulfilled > l.QuantityAllocated) return false;
                    var held = fulfillmentOrders.SelectMany(f => f.Lines).Where(x => x.OrderLineId == l.Id).Sum(x => x.QuantityOpen);
                    if (held != l.QuantityAllocated) return false;
                    var expected = l.QuantityAllocated == l.QuantityNetOrdered ? OrderLineStatus.Allocated
                        : l.QuantityAllocated > 0 ? OrderLineStatus.PartiallyAllocated : OrderLineStatus.Ordered;
                    if (l.Status != expected) return false;
                }
            }
            return true;
        });

    [Fact]
    public void Taking_back_more_than_a_line_has_open_is_quantity_exceeds_remaining_and_changes_nothing()
    {
        var ids = new SequentialIds();
        var fo = FulfillmentOrder.Create("fo1", "o1", "WB-1", "WH1", "g1", "a1", [new FulfillmentLineDraft("l1", "A", 3)], ids, Now);
        var line = fo.Lines[0];
        var e = Assert.Throws<DomainException>(() => fo.RejectLines([(line.Id, 2), (line.Id, 2)], "out_of_stock", Now));
        Assert.Equal("quantity_exceeds_remaining", e.Code);
        Assert.Equal(0, line.QuantityRejected);
        Assert.Equal(FulfillmentOrderStatus.Allocated, fo.Status);
    }

    [Fact]
    public void The_transition_table_allows_accept_then_start_picking_and_nothing_on_a_closed_order()
    {
        var ids = new SequentialIds();
        var fo = FulfillmentOrder.Create("fo1", "o1", "WB-1", "WH1", "g1", "a1", [new FulfillmentLineDraft("l1", "A", 1)], ids, Now);
        Assert.Throws<InvalidTransitionException>(() => fo.StartPicking(Now));
        fo.Accept(Now);
        Assert.Throws<InvalidTransitionException>(() => fo.Accept(Now));
        fo.StartPicking(Now);
        Assert.Equal(FulfillmentOrderStatus.PickPack, fo.Status);
        fo.CancelLines([(fo.Lines[0].Id, 1)], null, Now);
        Assert.Equal(FulfillmentOrderStatus.Canceled, fo.Status);
        var e = Assert.Throws<InvalidTransitionException>(() => fo.RejectLines([(fo.Lines[0].Id, 1)], "x", Now));
        Assert.Equal("invalid_transition", e.Code);
        Assert.Contains("canceled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Routing_a_created_or_fully_allocated_order_is_an_invalid_transition()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        Assert.Throws<InvalidTransitionException>(() => order.RecordRouting([], null, Now));
        order.Approve(Now);
        order.RecordRouting([.. order.RoutableLines.Select(l => (l.Id, l.QuantityOrdered))], null, Now);
        Assert.Equal(OrderStatus.WaitingToFulfill, order.Status);
        Assert.Contains(order.Events, e => e.Type == OrderEventTypes.Routed);
        Assert.Throws<InvalidTransitionException>(() => order.RecordRouting([], null, Now));
    }
}
