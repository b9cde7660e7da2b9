using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Tests.Orders;

public class OrderTransitionTests
{
    private static readonly DateTimeOffset Later = OrderDrafts.Now.AddMinutes(5);

    private static Order Captured()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        order.ClearEvents();
        return order;
    }

    [Fact]
    public void Approve_raises_approved_and_status_changed_and_bumps_the_version()
    {
        var order = Captured();
        order.Approve(Later);
        Assert.Equal(OrderStatus.Approved, order.Status);
        Assert.Equal(2, order.Version);
        Assert.Equal(Later, order.UpdatedAt);
        Assert.Equal([OrderEventTypes.Approved, OrderEventTypes.StatusChanged], order.Events.Select(e => e.Type));
        Assert.All(order.Events, e => Assert.Equal(OrderStatus.Created, e.PreviousStatus));
    }

    [Theory]
    [InlineData(OrderStatus.Created)]
    [InlineData(OrderStatus.Approved)]
    public void Release_hold_returns_to_the_status_before_the_hold(OrderStatus before)
    {
        var order = Captured();
        if (before == OrderStatus.Approved) order.Approve(Later);
        order.Hold("check", Later);
        Assert.Equal(OrderStatus.OnHold, order.Status);
        order.ReleaseHold(null, Later);
        Assert.Equal(before, order.Status);
    }

    [Fact]
    public void Approving_a_held_order_releases_the_hold()
    {
        var order = Captured();
        order.Hold("fraud review", Later);
        order.Approve(Later);
        Assert.Equal(OrderStatus.Approved, order.Status);
        Assert.Null(order.StatusBeforeHold);
    }

    [Fact]
    public void Illegal_transitions_throw_and_change_nothing()
    {
        var order = Captured();
        var error = Assert.Throws<InvalidTransitionException>(() => order.ReleaseHold(null, Later));
        Assert.Equal("invalid_transition", error.Code);
        Assert.Contains("created", error.Message);
        Assert.Equal(OrderStatus.Created, order.Status);
        Assert.Equal(1, order.Version);
        Assert.Empty(order.Events);

        order.Hold("x", Later);
        Assert.Throws<InvalidTransitionException>(() => order.Hold("again", Later));
        Assert.Equal(2, order.Version);
    }

    [Fact]
    public void The_table_allows_exactly_what_domain_md_lists()
    {
        var all = Enum.GetValues<OrderStatus>();
        Assert.Equal([OrderStatus.Created, OrderStatus.OnHold], all.Where(s => OrderTransitions.IsAllowed(OrderTransitions.Approve, s)));
        Assert.Equal([OrderStatus.Created, OrderStatus.Approved, OrderStatus.Backordered, OrderStatus.WaitingToFulfill],
            all.Where(s => OrderTransitions.IsAllowed(OrderTransitions.Hold, s)));
        Assert.Equal([OrderStatus.OnHold], all.Where(s => OrderTransitions.IsAllowed(OrderTransitions.ReleaseHold, s)));
    }

    [Fact]
    public void A_new_line_has_consistent_quantities_and_derived_fields()
    {
        var line = Captured().ProductLines.Single();
        Assert.True(line.QuantitiesAreConsistent);
        Assert.Equal(OrderLineStatus.Ordered, line.Status);
        Assert.Equal(2, line.QuantityNetOrdered);
        Assert.Equal(2, line.QuantityAvailableToFulfill);
        Assert.Equal(line.QuantityAvailableToFulfill, line.QuantityAvailableToCancel);
        Assert.Equal(0, line.QuantityAvailableToReturn);
    }
}
