using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Returns;
using Waybill.Domain.Tests.Orders;

namespace Waybill.Domain.Tests.Returns;

public class ReturnOrderTests
{
    private static int _ids;
    private static string NewId() => $"ro{Interlocked.Increment(ref _ids)}";
    private static readonly IReadOnlySet<string> NothingBilled = new HashSet<string>();

    private static Order Shipped(OrderDraft draft)
    {
        var order = OrderDrafts.Capture(draft);
        order.Approve(OrderDrafts.Now);
        order.RecordRouting([.. order.RoutableLines.Select(l => (l.Id, l.QuantityOrdered))], null, OrderDrafts.Now);
        order.RecordShipment([.. order.RoutableLines.Select(l => (l.Id, l.QuantityOrdered))], OrderDrafts.Now);
        order.ClearEvents();
        return order;
    }

    private static ReturnOrder Submit(Order order, int quantity, params ReturnFee[] fees) =>
        ReturnOrder.Submit(NewId(), order, [new ReturnRequestLine(order.ProductLines.Single().Id, quantity, "too_small")], false, fees, NewId, OrderDrafts.Now);

    private static ReturnReceiving Receive(ReturnOrder rma, Order order, int received, int rejected = 0,
        ReturnCondition condition = ReturnCondition.Resellable, string? location = "WH1") =>
        rma.Receive(order, NewId(), [new ReceiptLineRequest(rma.Lines[0].Id, received, rejected, condition, location)], NewId(), NewId(), NothingBilled,
            OrderDrafts.Now);

    [Fact]
    public void Submitting_announces_the_units_and_nothing_moves_money_until_they_are_received()
    {
        // api.md example: 2 × 25.00 with −5.00 of promotions and 2.50 tax on the line; each unit credits 21.25.
        var order = Shipped(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        var rma = Submit(order, 2, new ReturnFee("restocking", 5.00m));
        Assert.Equal((ReturnOrderStatus.Submitted, 1), (rma.Status, rma.Version));
        Assert.Equal([ReturnOrderEventTypes.Created], rma.Events);
        Assert.Equal((2, 0, 0, "TSHIRT-RED-M"), (rma.Lines[0].QuantityExpected, rma.Lines[0].QuantityReceived, rma.Lines[0].QuantityRejected, rma.Lines[0].Sku));
        Assert.Equal((2, 0, 0), (line.QuantityReturnInitiated, line.QuantityReturned, line.QuantityAvailableToReturn));
        Assert.Equal(53.29m, order.Totals.GrandTotalAmount);
        Assert.Equal("quantity_not_returnable", Assert.Throws<DomainException>(() => Submit(order, 1)).Code);

        Assert.Equal("invalid_transition", Assert.Throws<InvalidTransitionException>(() => Receive(rma, order, 1)).Code);
        rma.Approve(OrderDrafts.Now);
        Assert.Equal("invalid_transition", Assert.Throws<InvalidTransitionException>(() => rma.Approve(OrderDrafts.Now)).Code);

        var first = Receive(rma, order, 1, condition: ReturnCondition.Resellable);
        Assert.Equal((21.25m - 5.00m, true), (first.Memo!.TotalAmount, rma.FeesCharged));
        Assert.Equal([new Restock("WH1", "TSHIRT-RED-M", 1)], first.Restock);
        Assert.Equal(ReturnOrderStatus.Approved, rma.Status);
        var second = Receive(rma, order, 1, condition: ReturnCondition.Damaged, location: null);
        Assert.Equal((21.25m, 0), (second.Memo!.TotalAmount, second.Restock.Count));
        Assert.Empty(second.Receipt.Fees);
        Assert.Equal(ReturnOrderStatus.Received, rma.Status);
        Assert.Equal((2, 2), (line.QuantityReturned, line.QuantityReturnInitiated));
        Assert.Equal([first.Change!.Id, second.Change!.Id], rma.ChangeOrderIds);
        Assert.Equal("invalid_transition", Assert.Throws<InvalidTransitionException>(() => rma.Cancel(order, OrderDrafts.Now)).Code);
    }

    [Fact]
    public void Fees_go_with_the_first_receipt_that_brings_units_back_and_beyond_its_credit_are_invoiced()
    {
        var order = Shipped(OrderDrafts.WebNetUsd());
        var rma = Submit(order, 2, new ReturnFee("restocking", 30.00m));
        rma.Approve(OrderDrafts.Now);
        // A receipt that only rejects brings nothing back: no change, no fee.
        var rejectedOnly = Receive(rma, order, 0, rejected: 1);
        Assert.Equal((null, null, null, false), (rejectedOnly.Change, rejectedOnly.Memo, rejectedOnly.Invoice, rma.FeesCharged));
        Assert.Equal(1, order.ProductLines.Single().QuantityAvailableToReturn);
        // One unit credits 21.25 against a 30.00 fee: no memo, an invoice for 8.75.
        var one = Receive(rma, order, 1);
        Assert.Null(one.Memo);
        Assert.Equal((8.75m, true, 30.00m), (one.Invoice!.TotalAmount, rma.FeesCharged, order.FeeAmount));
        Assert.Equal(one.Invoice.Id, rma.Receipts[^1].InvoiceId);
    }

    [Fact]
    public void A_receipt_beyond_what_a_line_expects_is_refused_naming_the_field_and_changes_nothing()
    {
        var order = Shipped(OrderDrafts.WebNetUsd());
        var rma = Submit(order, 1);
        rma.Approve(OrderDrafts.Now);
        var version = rma.Version;
        var tooMany = Assert.Throws<FieldRuleException>(() => Receive(rma, order, 1, rejected: 1));
        Assert.Equal(("quantity_exceeds_remaining", "lines[0].quantityReceived"), (tooMany.Code, tooMany.Field));
        var unknown = Assert.Throws<DomainValidationException>(() =>
            rma.Receive(order, NewId(), [new ReceiptLineRequest("nope", 1, 0, ReturnCondition.Damaged, null)], NewId(), NewId(), NothingBilled, OrderDrafts.Now));
        Assert.Equal(["lines[0].returnLineId"], unknown.Errors.Keys);
        var nowhere = Assert.Throws<DomainValidationException>(() => Receive(rma, order, 1, location: null));
        Assert.Equal(["lines[0].locationCode"], nowhere.Errors.Keys);
        Assert.Equal((version, 0, 0, 1), (rma.Version, rma.Lines[0].QuantityReceived, order.ProductLines.Single().QuantityReturned,
            order.ProductLines.Single().QuantityReturnInitiated));
        Assert.Empty(rma.Receipts);
    }

    [Fact]
    public void Canceling_withdraws_what_was_not_received_and_keeps_what_was()
    {
        var order = Shipped(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        var rma = Submit(order, 2);
        rma.Approve(OrderDrafts.Now);
        Receive(rma, order, 1);
        rma.Cancel(order, OrderDrafts.Now);
        Assert.Equal(ReturnOrderStatus.Canceled, rma.Status);
        Assert.Equal((1, 1, 1), (line.QuantityReturned, line.QuantityReturnInitiated, line.QuantityAvailableToReturn));
        Assert.Equal("invalid_transition", Assert.Throws<InvalidTransitionException>(() => Receive(rma, order, 1)).Code);
        Assert.Equal("invalid_transition", Assert.Throws<InvalidTransitionException>(() => rma.Approve(OrderDrafts.Now)).Code);
        // The withdrawn unit can go on a new return order.
        Assert.Equal(1, Submit(order, 1).Lines[0].QuantityExpected);
    }

    /// <summary>
    /// Random return orders on a random order shipped whole — submitted, approved, received and rejected in random
    /// deliveries (some asking for more than is left), canceled at random: every return line keeps received + rejected ≤
    /// expected, a refused receipt changes nothing, and every order line's counters are the sums of its return orders'
    /// (returned = Σ received; return-initiated = Σ received + what open return orders still expect).
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Return_order_quantities_always_add_up_on_the_order() =>
        Prop.ForAll(RandomOrders.Drafts(), ArbMap.Default.ArbFor<int>(), (draft, seed) =>
        {
            var order = Shipped(draft);
            var random = new Random(seed);
            var rmas = new List<ReturnOrder>();
            for (var step = 0; step < 30; step++)
            {
                var action = random.Next(4);
                var open = rmas.Where(r => r.Status is ReturnOrderStatus.Submitted or ReturnOrderStatus.Approved).ToList();
                if (action == 0 || open.Count == 0)
                {
                    var request = order.ProductLines.Where(l => l.QuantityAvailableToReturn > 0 && random.Next(2) == 0)
                        .Select(l => new ReturnRequestLine(l.Id, random.Next(1, l.QuantityAvailableToReturn + 1))).ToList();
                    if (request.Count == 0) continue;
                    var rma = ReturnOrder.Submit(NewId(), order, request, random.Next(2) == 0, [], NewId, OrderDrafts.Now);
                    rmas.Add(rma);
                    if (random.Next(3) > 0) rma.Approve(OrderDrafts.Now);
                }
                else if (action == 1 && random.Next(4) == 0)
                {
                    open[random.Next(open.Count)].Cancel(order, OrderDrafts.Now);
                }
                else
                {
                    var rma = open[random.Next(open.Count)];
                    if (rma.Status == ReturnOrderStatus.Submitted) rma.Approve(OrderDrafts.Now);
                    var lines = rma.Lines.Where(l => l.QuantityRemaining > 0 && random.Next(3) > 0).Select(l =>
                    {
                        // Now and then more than is left, to be refused.
                        var total = random.Next(1, l.QuantityRemaining + (random.Next(5) == 0 ? 3 : 1));
                        var received = random.Next(0, total + 1);
                        return new ReceiptLineRequest(l.Id, received, total - received, random.Next(2) == 0 ? ReturnCondition.Resellable : ReturnCondition.Damaged, "WH1");
                    }).ToList();
                    if (lines.Count == 0) continue;
                    var exceeds = lines.Any(r => r.QuantityReceived + r.QuantityRejected > rma.Lines.Single(l => l.Id == r.ReturnLineId).QuantityRemaining);
                    var before = (rma.Version, order.Version, Counters(order));
                    try
                    {
                        rma.Receive(order, NewId(), lines, NewId(), NewId(), NothingBilled, OrderDrafts.Now);
                        if (exceeds) return false.Label("a receipt beyond what was left went through");
                    }
                    catch (FieldRuleException e) when (e.Code == "quantity_exceeds_remaining")
                    {
                        if (!exceeds) return false.Label("a receipt within what was left was refused");
                        if (before != (rma.Version, order.Version, Counters(order))) return false.Label("a refused receipt changed something");
                    }
                }
                if (rmas.SelectMany(r => r.Lines).Any(l => l.QuantityReceived + l.QuantityRejected > l.QuantityExpected || l.QuantityRemaining < 0))
                    return false.Label("a return line received or rejected more than it expected");
                if (rmas.Any(r => r.Status == ReturnOrderStatus.Received && r.Lines.Any(l => l.QuantityRemaining > 0)))
                    return false.Label("received with units still expected");
                foreach (var line in order.ProductLines)
                {
                    var of = rmas.SelectMany(r => r.Lines.Where(l => l.OrderLineId == line.Id).Select(l => (Rma: r, Line: l))).ToList();
                    var returned = of.Sum(x => x.Line.QuantityReceived);
                    var initiated = returned + of.Where(x => x.Rma.Status != ReturnOrderStatus.Canceled).Sum(x => x.Line.QuantityRemaining);
                    if (!line.QuantitiesAreConsistent || line.QuantityReturned != returned || line.QuantityReturnInitiated != initiated)
                        return false.Label($"line {line.Reference}: returned {line.QuantityReturned} (RMAs {returned}), initiated {line.QuantityReturnInitiated} (RMAs {initiated})");
                }
            }
            return true.ToProperty();
        });

    private static string Counters(Order order) =>
        string.Join(";", order.Lines.Select(l => $"{l.QuantityReturned}/{l.QuantityReturnInitiated}/{l.LineAmount}/{l.TaxAmount}"));
}
