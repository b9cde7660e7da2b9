using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Tests.Orders;

public class CancelTests
{
    private static int _ids;
    private static string NewId() => $"co{Interlocked.Increment(ref _ids)}";

    [Fact]
    public void Canceling_one_of_two_units_takes_the_last_unit_with_its_share_of_promotions_and_tax()
    {
        // api.md example: 2 × 25.00, −10.00 of promotions on the line, tax 2.50; delivery 9.99 + 0.80.
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        var change = order.Cancel(NewId(), [new CancelRequestLine(line.Id, 1)], reduceShipping: false, "customer asked", OrderDrafts.Now);
        var delta = Assert.Single(change.Lines);
        Assert.Equal((-1, -25.00m, 5.00m, -1.25m), (delta.QuantityDelta, delta.AmountDelta, delta.AdjustmentDelta, delta.TaxDelta));
        Assert.Equal(-21.25m, change.TotalDelta);
        Assert.Equal((1, 25.00m, -5.00m, 1.25m), (line.QuantityCanceled, line.LineAmount, line.AdjustmentAmount, line.TaxAmount));
        Assert.Equal(53.29m - 21.25m, order.Totals.GrandTotalAmount);
        Assert.Equal(OrderStatus.Created, order.Status);
    }

    [Fact]
    public void Canceling_everything_with_reduce_shipping_cancels_the_order_and_leaves_nothing_to_pay()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        order.ClearEvents();
        var change = order.Cancel(NewId(), [new CancelRequestLine(order.ProductLines.Single().Id, 2)], reduceShipping: true, null, OrderDrafts.Now);
        Assert.Equal(-53.29m, change.TotalDelta);
        Assert.Equal(0m, order.Totals.GrandTotalAmount);
        Assert.Equal(OrderStatus.Canceled, order.Status);
        Assert.Equal([OrderEventTypes.Changed, OrderEventTypes.Canceled, OrderEventTypes.StatusChanged], order.Events.Select(e => e.Type));
    }

    [Fact]
    public void A_group_with_nothing_left_drops_its_delivery_charge_even_without_reduce_shipping()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        order.Cancel(NewId(), [new CancelRequestLine(line.Id, 1)], reduceShipping: false, null, OrderDrafts.Now);
        Assert.Equal(10.79m, order.Totals.DeliveryAmount + order.Totals.DeliveryTaxAmount);
        order.Cancel(NewId(), [new CancelRequestLine(line.Id, 1)], reduceShipping: false, null, OrderDrafts.Now);
        Assert.Equal((0m, OrderStatus.Canceled), (order.Totals.GrandTotalAmount, order.Status));
    }

    [Fact]
    public void Canceling_the_units_a_backorder_waits_for_lets_the_order_wait_to_be_fulfilled()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        order.Approve(OrderDrafts.Now);
        order.RecordRouting([(line.Id, 1)], "one unit short", OrderDrafts.Now);
        Assert.Equal(OrderStatus.Backordered, order.Status);
        order.ClearEvents();
        order.Cancel(NewId(), [new CancelRequestLine(line.Id, 1)], reduceShipping: false, null, OrderDrafts.Now);
        Assert.Equal(OrderStatus.WaitingToFulfill, order.Status);
        Assert.Contains(order.Events, e => e.Type == OrderEventTypes.StatusChanged && e.PreviousStatus == OrderStatus.Backordered);
    }

    [Fact]
    public void A_delivery_charge_already_billed_is_left_as_billed()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        var charge = order.Lines.Single(l => l.Type == OrderLineType.DeliveryCharge);
        var change = order.Cancel(NewId(), [new CancelRequestLine(line.Id, 1)], reduceShipping: true, null, OrderDrafts.Now,
            new HashSet<string> { charge.Id });
        Assert.DoesNotContain(change.Lines, l => l.Type == OrderLineType.DeliveryCharge);
        Assert.Equal(9.99m, charge.LineAmount);
    }

    [Fact]
    public void More_than_can_be_canceled_an_unknown_line_and_a_zero_quantity_are_refused_and_change_nothing()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        Assert.Equal("quantity_not_cancelable",
            Assert.Throws<DomainException>(() => order.Cancel(NewId(), [new CancelRequestLine(line.Id, 3)], false, null, OrderDrafts.Now)).Code);
        var invalid = Assert.Throws<DomainValidationException>(() =>
            order.Cancel(NewId(), [new CancelRequestLine("nope", 1), new CancelRequestLine(line.Id, 0)], false, null, OrderDrafts.Now));
        Assert.Contains("lines[0].lineId", invalid.Errors.Keys);
        Assert.Contains("lines[1].quantity", invalid.Errors.Keys);
        Assert.Equal((0, 53.29m), (line.QuantityCanceled, order.Totals.GrandTotalAmount));
    }

    /// <summary>A random order, a random line of it, a random number of its units, with or without reduceShipping.</summary>
    private static Gen<(OrderDraft Draft, int LineSeed, int UnitSeed, bool ReduceShipping)> Cases() =>
        from draft in RandomOrders.Drafts().Generator
        from lineSeed in Gen.Choose(0, 1000)
        from unitSeed in Gen.Choose(1, 1000)
        from reduce in Gen.Elements(true, false)
        select (draft, lineSeed, unitSeed, reduce);

    [Property(MaxTest = 500)]
    public Property Canceling_units_one_at_a_time_gives_exactly_what_canceling_them_at_once_gives() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var once = OrderDrafts.Capture(c.Draft);
            var oneByOne = OrderDrafts.Capture(c.Draft);
            var lines = once.ProductLines.ToList();
            var index = c.LineSeed % lines.Count;
            var units = 1 + (c.UnitSeed - 1) % lines[index].QuantityOrdered;
            var preview = once.PreviewCancel(NewId(), [new CancelRequestLine(lines[index].Id, units)], c.ReduceShipping, null, OrderDrafts.Now);
            var previewedTotals = once.TotalsAfter(preview);
            var whole = once.Cancel(NewId(), [new CancelRequestLine(lines[index].Id, units)], c.ReduceShipping, null, OrderDrafts.Now);
            if (previewedTotals != once.Totals || preview.TotalDelta != whole.TotalDelta || !preview.Lines.SequenceEqual(whole.Lines))
                return false.Label("the preview differs from the submit");
            var lineId = oneByOne.ProductLines.ToList()[index].Id;
            var singles = Enumerable.Range(0, units)
                .Select(_ => oneByOne.Cancel(NewId(), [new CancelRequestLine(lineId, 1)], c.ReduceShipping, null, OrderDrafts.Now)).ToList();
            return (once.Totals == oneByOne.Totals && whole.TotalDelta == singles.Sum(s => s.TotalDelta)
                    && once.Lines.Select(Figures).SequenceEqual(oneByOne.Lines.Select(Figures)))
                .Label($"{units} unit(s) of line {index}: {whole.TotalDelta} at once, {singles.Sum(s => s.TotalDelta)} one by one");
        });

    [Property(MaxTest = 500)]
    public Property After_any_cancels_the_order_is_the_original_plus_its_change_orders_and_no_line_goes_below_zero() =>
        Prop.ForAll(RandomOrders.Drafts(), ArbMap.Default.ArbFor<int>(), (draft, seed) =>
        {
            var order = OrderDrafts.Capture(draft);
            var original = order.Totals.GrandTotalAmount;
            var random = new Random(seed);
            var changes = new List<ChangeOrder>();
            for (var step = 0; step < 6; step++)
            {
                var open = order.ProductLines.Where(l => l.QuantityAvailableToCancel > 0).ToList();
                if (open.Count == 0) break;
                var line = open[random.Next(open.Count)];
                changes.Add(order.Cancel(NewId(), [new CancelRequestLine(line.Id, random.Next(1, line.QuantityAvailableToCancel + 1))],
                    random.Next(2) == 0, null, OrderDrafts.Now));
            }
            var everyLineAtOrAboveZero = order.Lines.All(l => l.LineAmount >= 0 && l.AdjustedAmount >= 0 && l.TaxAmount >= 0 && l.TotalAmount(order.Taxation) >= 0);
            var canceledAll = order.ProductLines.All(l => l.QuantityNetOrdered == 0);
            return (order.Totals.GrandTotalAmount == original + changes.Sum(c => c.TotalDelta)).Label("original + change orders")
                .And(everyLineAtOrAboveZero.Label("no line below zero"))
                .And((canceledAll == (order.Status == OrderStatus.Canceled)).Label("canceled exactly when every line is"))
                .And(order.Lines.All(l => l.QuantitiesAreConsistent).Label("quantities"));
        });

    private static (int, decimal, decimal, decimal) Figures(OrderLine line) => (line.QuantityCanceled, line.LineAmount, line.AdjustmentAmount, line.TaxAmount);
}
