using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;

namespace Waybill.Domain.Tests.Orders;

public class ReturnTests
{
    private static int _ids;
    private static string NewId() => $"rt{Interlocked.Increment(ref _ids)}";
    private static readonly IReadOnlySet<string> NothingBilled = new HashSet<string>();

    /// <summary>Routes every routable unit and ships them in the given runs (default: everything in one shipment).</summary>
    private static void Ship(Order order, IEnumerable<(string LineId, int Quantity)>? runs = null)
    {
        if (order.Status is OrderStatus.Created) order.Approve(OrderDrafts.Now);
        if (order.Status is OrderStatus.Approved)
            order.RecordRouting([.. order.RoutableLines.Select(l => (l.Id, l.QuantityOrdered))], null, OrderDrafts.Now);
        order.RecordShipment([.. runs ?? order.RoutableLines.Select(l => (l.Id, l.QuantityOrdered))], OrderDrafts.Now);
    }

    private static HashSet<string> Charges(Order order) =>
        order.Lines.Where(l => l.Type == OrderLineType.DeliveryCharge).Select(l => l.Id).ToHashSet();

    [Fact]
    public void Returning_one_of_two_units_takes_the_last_one_shipped_and_its_memo_gives_back_its_unit_share()
    {
        // api.md example: 2 × 25.00, −10.00 of promotions on the line, tax 2.50; delivery 9.99 + 0.80. Grand total 53.29.
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        Ship(order);
        order.ClearEvents();
        var change = order.Return(NewId(), [new ReturnRequestLine(line.Id, 1, "too_small")], reduceShipping: false, [], null, OrderDrafts.Now);
        var delta = Assert.Single(change.Lines);
        Assert.Equal((-1, -25.00m, 5.00m, -1.25m, "1+1"), (delta.QuantityDelta, delta.AmountDelta, delta.AdjustmentDelta, delta.TaxDelta, delta.Units));
        Assert.Equal((1, 1, 1, "1+1"), (line.QuantityReturned, line.QuantityReturnInitiated, line.QuantityAvailableToReturn, line.ReturnedUnitRuns));
        Assert.Equal(53.29m - 21.25m, order.Totals.GrandTotalAmount);
        Assert.Equal(OrderStatus.Fulfilled, order.Status);
        Assert.Equal([OrderEventTypes.Changed], order.Events.Select(e => e.Type));

        var memo = CreditMemo.ForChange("cm1", order, change, Charges(order), OrderDrafts.Now)!;
        Assert.Equal((21.25m, 21.25m, CreditMemoStatus.Open), (memo.TotalAmount, memo.Balance, memo.Status));
        Assert.Equal((1, 25.00m, -5.00m, 1.25m, 21.25m), (memo.Lines[0].Quantity, memo.Lines[0].Amount, memo.Lines[0].AdjustmentAmount, memo.Lines[0].TaxAmount, memo.Lines[0].TotalAmount));
        memo.ApplyRefund(21.25m, OrderDrafts.Now);
        Assert.Equal(CreditMemoStatus.Refunded, memo.Status);
        Assert.Equal("invalid_transition", Assert.Throws<InvalidTransitionException>(memo.EnsureRefundsAllowed).Code);
    }

    [Fact]
    public void Returning_everything_with_reduce_shipping_credits_the_billed_delivery_charge_and_leaves_an_unbilled_one_to_its_invoice()
    {
        var billed = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        Ship(billed);
        var change = billed.Return(NewId(), [new ReturnRequestLine(billed.ProductLines.Single().Id, 2)], reduceShipping: true, [], null, OrderDrafts.Now);
        Assert.Equal(0m, billed.Totals.GrandTotalAmount);
        Assert.Equal(53.29m, CreditMemo.ForChange("cm", billed, change, Charges(billed), OrderDrafts.Now)!.TotalAmount);
        // Not invoiced yet: the invoice will bill the charge as the return left it (nothing), so the memo must not give it back.
        var memo = CreditMemo.ForChange("cm", billed, change, NothingBilled, OrderDrafts.Now)!;
        Assert.Equal(53.29m - 10.79m, memo.TotalAmount);
        Assert.DoesNotContain(memo.Lines, l => l.Type == OrderLineType.DeliveryCharge);
    }

    [Fact]
    public void Fees_add_to_the_order_and_reduce_the_memo()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        Ship(order);
        var bad = Assert.Throws<DomainValidationException>(() =>
            order.Return(NewId(), [new ReturnRequestLine(line.Id, 1)], false, [new ReturnFee("restocking", 0m), new ReturnFee("x", 1.001m)], null, OrderDrafts.Now));
        Assert.Equal(["fees[0].amount", "fees[1].amount"], bad.Errors.Keys.Order());
        Assert.Equal((0, 53.29m), (line.QuantityReturned, order.Totals.GrandTotalAmount));

        var change = order.Return(NewId(), [new ReturnRequestLine(line.Id, 1)], false, [new ReturnFee("restocking", 5.00m)], null, OrderDrafts.Now);
        Assert.Equal((5.00m, 53.29m - 21.25m + 5.00m), (order.Totals.FeeAmount, order.Totals.GrandTotalAmount));
        var memo = CreditMemo.ForChange("cm", order, change, Charges(order), OrderDrafts.Now)!;
        Assert.Equal(16.25m, memo.TotalAmount);
        var fee = Assert.Single(memo.Lines, l => l.Type == OrderLineType.Fee);
        Assert.Equal((null, "restocking", -5.00m), (fee.OrderLineId, fee.Reason, fee.TotalAmount));
        Assert.Null(Invoice.ForChange("inv", order, change, Charges(order), OrderDrafts.Now));
    }

    [Fact]
    public void Fees_beyond_what_comes_back_are_invoiced_not_credited()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        Ship(order);
        var change = order.Return(NewId(), [new ReturnRequestLine(line.Id, 1)], false,
            [new ReturnFee("restocking", 20.00m), new ReturnFee("return_shipping", 6.25m)], null, OrderDrafts.Now);
        Assert.Equal(53.29m - 21.25m + 26.25m, order.Totals.GrandTotalAmount);
        Assert.Null(CreditMemo.ForChange("cm", order, change, Charges(order), OrderDrafts.Now));
        var invoice = Invoice.ForChange("inv", order, change, Charges(order), OrderDrafts.Now)!;
        Assert.Equal((5.00m, InvoiceStatus.Open, change.Id, (string?)null), (invoice.TotalAmount, invoice.Status, invoice.ChangeOrderId, invoice.ShipmentId));
        Assert.All(invoice.Lines, l => Assert.Equal(InvoiceLine.NoUnits, l.FirstUnit));
        Assert.Equal(-21.25m, Assert.Single(invoice.Lines, l => l.Type == OrderLineType.Product).TotalAmount);
        Assert.Equal(26.25m, invoice.Lines.Where(l => l.Type == OrderLineType.Fee).Sum(l => l.TotalAmount));
    }

    [Fact]
    public void More_than_was_shipped_an_unknown_line_and_a_zero_quantity_are_refused_and_change_nothing()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        Ship(order, [(line.Id, 1)]);
        Assert.Equal("quantity_not_returnable",
            Assert.Throws<DomainException>(() => order.Return(NewId(), [new ReturnRequestLine(line.Id, 2)], false, [], null, OrderDrafts.Now)).Code);
        var invalid = Assert.Throws<DomainValidationException>(() =>
            order.Return(NewId(), [new ReturnRequestLine("nope", 1), new ReturnRequestLine(line.Id, 0)], false, [], null, OrderDrafts.Now));
        Assert.Equal(["lines[0].lineId", "lines[1].quantity"], invalid.Errors.Keys.Order());
        Assert.Equal((0, 0, 53.29m), (line.QuantityReturned, line.QuantityReturnInitiated, order.Totals.GrandTotalAmount));
    }

    [Fact]
    public void Units_a_return_order_announced_are_received_only_once_and_withdrawn_ones_can_be_returned_again()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        Ship(order);
        order.AnnounceReturn([new ReturnRequestLine(line.Id, 2)], OrderDrafts.Now);
        Assert.Equal((2, 0), (line.QuantityReturnInitiated, line.QuantityAvailableToReturn));
        Assert.Equal("quantity_not_returnable",
            Assert.Throws<DomainException>(() => order.Return(NewId(), [new ReturnRequestLine(line.Id, 1)], false, [], null, OrderDrafts.Now)).Code);
        order.Return(NewId(), [new ReturnRequestLine(line.Id, 1)], false, [], null, OrderDrafts.Now, announced: true);
        order.WithdrawReturn([(line.Id, 1)], OrderDrafts.Now);
        Assert.Equal((1, 1, 1), (line.QuantityReturnInitiated, line.QuantityReturned, line.QuantityAvailableToReturn));
        Assert.Equal("quantity_not_returnable",
            Assert.Throws<DomainException>(() => order.Return(NewId(), [new ReturnRequestLine(line.Id, 1)], false, [], null, OrderDrafts.Now, announced: true)).Code);
        Assert.True(line.QuantitiesAreConsistent);
    }

    /// <summary>A random order shipped whole, a random line of it, a random number of its units, with or without reduceShipping.</summary>
    private static Gen<(OrderDraft Draft, int LineSeed, int UnitSeed, bool ReduceShipping)> Cases() =>
        from draft in RandomOrders.Drafts().Generator
        from lineSeed in Gen.Choose(0, 1000)
        from unitSeed in Gen.Choose(1, 1000)
        from reduce in Gen.Elements(true, false)
        select (draft, lineSeed, unitSeed, reduce);

    [Property(MaxTest = 300)]
    public Property Returning_units_one_at_a_time_credits_exactly_what_returning_them_at_once_credits() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
        {
            var once = OrderDrafts.Capture(c.Draft);
            var oneByOne = OrderDrafts.Capture(c.Draft);
            Ship(once);
            Ship(oneByOne);
            var lines = once.RoutableLines.ToList();
            var index = c.LineSeed % lines.Count;
            var units = 1 + (c.UnitSeed - 1) % lines[index].QuantityOrdered;
            var preview = once.PreviewReturn(NewId(), [new ReturnRequestLine(lines[index].Id, units)], c.ReduceShipping, [], null, OrderDrafts.Now);
            var previewedTotals = once.TotalsAfter(preview);
            var whole = once.Return(NewId(), [new ReturnRequestLine(lines[index].Id, units)], c.ReduceShipping, [], null, OrderDrafts.Now);
            if (previewedTotals != once.Totals || !preview.Lines.SequenceEqual(whole.Lines)) return false.Label("the preview differs from the submit");
            var lineId = oneByOne.RoutableLines.ToList()[index].Id;
            var singles = Enumerable.Range(0, units)
                .Select(_ => oneByOne.Return(NewId(), [new ReturnRequestLine(lineId, 1)], c.ReduceShipping, [], null, OrderDrafts.Now)).ToList();
            var memoOnce = CreditMemo.ForChange("a", once, whole, Charges(once), OrderDrafts.Now)?.TotalAmount ?? 0m;
            var memosOneByOne = singles.Sum(s => CreditMemo.ForChange("b", oneByOne, s, Charges(oneByOne), OrderDrafts.Now)?.TotalAmount ?? 0m);
            return (once.Totals == oneByOne.Totals && memoOnce == memosOneByOne && memoOnce == -whole.TotalDelta
                    && once.Lines.Select(l => (l.QuantityReturned, l.LineAmount, l.AdjustmentAmount, l.TaxAmount))
                        .SequenceEqual(oneByOne.Lines.Select(l => (l.QuantityReturned, l.LineAmount, l.AdjustmentAmount, l.TaxAmount))))
                .Label($"{units} unit(s) of line {index}: memo {memoOnce} at once, {memosOneByOne} one by one");
        });

    [Property(MaxTest = 300)]
    public Property With_shipments_and_returns_interleaved_each_unit_is_credited_once_and_the_memos_of_a_line_add_up_to_its_invoices() =>
        Prop.ForAll(RandomOrders.Drafts(), ArbMap.Default.ArbFor<int>(), (draft, seed) =>
        {
            var order = OrderDrafts.Capture(draft);
            var original = order.Totals.GrandTotalAmount;
            var random = new Random(seed);
            order.Approve(OrderDrafts.Now);
            order.RecordRouting([.. order.RoutableLines.Select(l => (l.Id, l.QuantityOrdered))], null, OrderDrafts.Now);
            var invoiced = new Dictionary<string, int>(StringComparer.Ordinal);
            var invoices = new List<Invoice>();
            var changes = new List<ChangeOrder>();
            var memos = new List<CreditMemo>();
            var credited = new List<(string? OrderLineId, decimal Amount, decimal AdjustmentAmount, decimal TaxAmount)>();
            // Ship a few units, return a few of what shipped, again, until everything shipped and came back.
            while (order.RoutableLines.Any(l => l.QuantityFulfilled < l.QuantityOrdered || l.QuantityAvailableToReturn > 0))
            {
                var toShip = order.RoutableLines.Where(l => l.QuantityFulfilled < l.QuantityOrdered)
                    .Select(l => (l.Id, Quantity: random.Next(0, l.QuantityOrdered - l.QuantityFulfilled + 1))).Where(s => s.Quantity > 0).ToList();
                if (toShip.Count > 0)
                {
                    order.RecordShipment(toShip, OrderDrafts.Now);
                    var invoice = Invoice.ForShipment($"i{invoices.Count}", order, $"s{invoices.Count}", toShip, invoiced, OrderDrafts.Now);
                    foreach (var l in invoice.Lines) invoiced[l.OrderLineId!] = invoiced.GetValueOrDefault(l.OrderLineId!) + l.Quantity;
                    invoices.Add(invoice);
                }
                var toReturn = order.RoutableLines.Where(l => l.QuantityAvailableToReturn > 0)
                    .Select(l => new ReturnRequestLine(l.Id, random.Next(0, l.QuantityAvailableToReturn + 1))).Where(r => r.Quantity > 0).ToList();
                if (toReturn.Count == 0) continue;
                var change = order.Return(NewId(), toReturn, random.Next(2) == 0, [], null, OrderDrafts.Now);
                changes.Add(change);
                var memo = CreditMemo.ForChange($"m{memos.Count}", order, change, Charges(order).Where(invoiced.ContainsKey).ToHashSet(), OrderDrafts.Now);
                // No memo when nothing is owed back (units given away free); otherwise its lines are the change's, negated.
                var owed = -change.Lines.Where(l => l.Type == OrderLineType.Product || invoiced.ContainsKey(l.OrderLineId!)).Sum(l => l.TotalDelta(order.Taxation));
                if ((memo?.TotalAmount ?? 0m) != order.Currency.Normalize(owed)) return false.Label($"memo {memo?.TotalAmount} for a change owing {owed}");
                if (memo is not null) memos.Add(memo);
                credited.AddRange(memo is not null
                    ? memo.Lines.Select(l => (l.OrderLineId, l.Amount, l.AdjustmentAmount, l.TaxAmount))
                    : change.Lines.Where(l => l.Type == OrderLineType.Product).Select(l => (l.OrderLineId, -l.AmountDelta, -l.AdjustmentDelta, -l.TaxDelta)));
            }
            var billed = invoices.SelectMany(i => i.Lines).ToList();
            foreach (var line in order.RoutableLines)
            {
                var b = billed.Where(l => l.OrderLineId == line.Id).ToList();
                var c = credited.Where(l => l.OrderLineId == line.Id).ToList();
                if ((b.Sum(l => l.Amount), b.Sum(l => l.AdjustmentAmount), b.Sum(l => l.TaxAmount)) != (c.Sum(l => l.Amount), c.Sum(l => l.AdjustmentAmount), c.Sum(l => l.TaxAmount)))
                    return false.Label($"line {line.Reference}: credited {c.Sum(l => l.Amount)}/{c.Sum(l => l.AdjustmentAmount)}/{c.Sum(l => l.TaxAmount)}, billed {b.Sum(l => l.Amount)}/{b.Sum(l => l.AdjustmentAmount)}/{b.Sum(l => l.TaxAmount)}");
                if (line.ReturnedUnits.Count != line.QuantityOrdered || line.LineAmount != 0 || line.TaxAmount != 0 || line.AdjustmentAmount != 0)
                    return false.Label($"line {line.Reference} is not all back: {line.ReturnedUnitRuns}, {line.LineAmount}");
            }
            var everyLineAtOrAboveZero = order.Lines.All(l => l.LineAmount >= 0 && l.AdjustedAmount >= 0 && l.TaxAmount >= 0 && l.TotalAmount(order.Taxation) >= 0);
            return (order.Totals.GrandTotalAmount == original + changes.Sum(c => c.TotalDelta)).Label("original + change orders")
                .And(everyLineAtOrAboveZero.Label("no line below zero"))
                .And((memos.Sum(m => m.TotalAmount) <= invoices.Sum(i => i.TotalAmount)).Label("never credited more than billed"))
                .And(order.Lines.All(l => l.QuantitiesAreConsistent).Label("quantities"));
        });
}
