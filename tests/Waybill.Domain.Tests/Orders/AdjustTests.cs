using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;

namespace Waybill.Domain.Tests.Orders;

public class AdjustTests
{
    private static int _ids;
    private static string NewId() => $"ad{Interlocked.Increment(ref _ids)}";
    private static readonly Dictionary<string, int> NothingInvoiced = [];

    private static HashSet<string> Charges(Order order) => order.Lines.Where(l => l.Type == OrderLineType.DeliveryCharge).Select(l => l.Id).ToHashSet();

    [Fact]
    public void An_appeasement_falls_on_the_invoiced_units_as_a_credit_and_on_the_rest_as_a_lower_invoice()
    {
        // api.md example: 2 × 25.00, −10.00 of promotions on the line, tax 2.50; delivery 9.99 + 0.80. Grand total 53.29.
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        order.Approve(OrderDrafts.Now);
        order.RecordRouting([(line.Id, 2)], null, OrderDrafts.Now);
        order.RecordShipment([(line.Id, 1)], OrderDrafts.Now);
        var first = Invoice.ForShipment("i1", order, "s1", [(line.Id, 1)], new Dictionary<string, int>(), OrderDrafts.Now);
        var invoiced = new Dictionary<string, int> { [line.Id] = 1 };

        var preview = order.PreviewAdjust(NewId(), [new AdjustRequestLine(line.Id, -10.00m, null, "late")], "late", OrderDrafts.Now, invoiced);
        var change = order.Adjust(NewId(), [new AdjustRequestLine(line.Id, -10.00m, null, "late")], "late", OrderDrafts.Now, invoiced);
        Assert.Equal(preview.Lines, change.Lines);
        // −10.00 over two units of 20.00 each; tax 2.50 × 10/40 = 0.625 → 0.63, over two units of 1.25 each.
        Assert.Equal([(true, -5.00m, -0.32m, "0+1"), (false, -5.00m, -0.31m, "1+1")],
            change.Lines.Select(l => (l.Invoiced, l.AdjustmentDelta, l.TaxDelta, l.Units)));
        Assert.Equal((-20.00m, 1.87m, 53.29m - 10.63m), (line.AdjustmentAmount, line.TaxAmount, order.Totals.GrandTotalAmount));

        var memo = CreditMemo.ForChange("m", order, change, Charges(order), OrderDrafts.Now)!;
        Assert.Equal(5.32m, memo.TotalAmount);
        order.RecordShipment([(line.Id, 1)], OrderDrafts.Now);
        var second = Invoice.ForShipment("i2", order, "s2", [(line.Id, 1)], new Dictionary<string, int> { [line.Id] = 1, [Charges(order).Single()] = 1 }, OrderDrafts.Now);
        Assert.Equal(15.94m, second.TotalAmount);
        Assert.Equal(order.Totals.GrandTotalAmount, first.TotalAmount + second.TotalAmount - memo.TotalAmount);
    }

    [Fact]
    public void A_delivery_appeasement_lowers_the_charge_and_its_tax_in_proportion()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var group = order.DeliveryGroups.Single();
        var charge = group.Lines.Single(l => l.Type == OrderLineType.DeliveryCharge);
        var change = order.AdjustDelivery(NewId(), group.Id, -4.99m, "late", OrderDrafts.Now);
        // 0.80 × 4.99 / 9.99 = 0.3996 → 0.40.
        Assert.Equal((-4.99m, -0.40m), (change.Lines.Single().AdjustmentDelta, change.Lines.Single().TaxDelta));
        Assert.Equal((5.00m, 0.40m), (charge.AdjustedAmount, charge.TaxAmount));
        // Not invoiced yet: no memo, the invoice bills the lower charge.
        Assert.Null(CreditMemo.ForChange("m", order, change, new HashSet<string>(), OrderDrafts.Now));
        Assert.Equal(5.39m, CreditMemo.ForChange("m", order, change, Charges(order), OrderDrafts.Now)!.TotalAmount);
    }

    [Fact]
    public void Too_much_a_percent_over_100_both_or_neither_and_an_unknown_line_are_refused_and_change_nothing()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        var invalid = Assert.Throws<DomainValidationException>(() => order.Adjust(NewId(),
        [
            new AdjustRequestLine(line.Id, -40.01m, null), new AdjustRequestLine("nope", -1m, null),
        ], null, OrderDrafts.Now, NothingInvoiced));
        Assert.Equal(["lines[0].amount", "lines[1].lineId"], invalid.Errors.Keys.Order());
        Assert.Contains("lines[0].percent", Assert.Throws<DomainValidationException>(() =>
            order.Adjust(NewId(), [new AdjustRequestLine(line.Id, null, 100.5m)], null, OrderDrafts.Now, NothingInvoiced)).Errors.Keys);
        Assert.Contains("lines[0].amount", Assert.Throws<DomainValidationException>(() =>
            order.Adjust(NewId(), [new AdjustRequestLine(line.Id, -1m, 5m)], null, OrderDrafts.Now, NothingInvoiced)).Errors.Keys);
        Assert.Contains("lines[0].amount", Assert.Throws<DomainValidationException>(() =>
            order.Adjust(NewId(), [new AdjustRequestLine(line.Id, 1m, null)], null, OrderDrafts.Now, NothingInvoiced)).Errors.Keys);
        Assert.Contains("amount", Assert.Throws<DomainValidationException>(() =>
            order.AdjustDelivery(NewId(), order.DeliveryGroups.Single().Id, -10.00m, null, OrderDrafts.Now)).Errors.Keys);
        Assert.Equal((53.29m, 0), (order.Totals.GrandTotalAmount, line.Appeasements.Count));
        // All of it is allowed: the line then costs nothing.
        order.Adjust(NewId(), [new AdjustRequestLine(line.Id, null, 100m)], null, OrderDrafts.Now, NothingInvoiced);
        Assert.Equal((0m, 0m), (line.AdjustedAmount, line.TaxAmount));
    }

    /// <summary>
    /// Random orders through a random mix of shipments (each invoiced), cancels, returns (some with fees) and appeasements
    /// (line and delivery), then everything left shipped and invoiced: every line's invoices less its credits equal its figures,
    /// nothing goes below zero, and the order is the original plus its change orders.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Invoices_less_credit_memos_equal_every_line_after_any_changes() =>
        Prop.ForAll(RandomOrders.Drafts(), ArbMap.Default.ArbFor<int>(), (draft, seed) =>
        {
            var order = OrderDrafts.Capture(draft);
            var original = order.Totals.GrandTotalAmount;
            var random = new Random(seed);
            var invoiced = new Dictionary<string, int>(StringComparer.Ordinal);
            var documents = new List<(string? LineId, decimal Amount, decimal Adjustment, decimal Tax, int Sign)>();
            var changes = new List<ChangeOrder>();
            order.Approve(OrderDrafts.Now);
            void ShipAndInvoice(List<(string, int)> runs)
            {
                if (runs.Count == 0) return;
                order.RecordShipment(runs, OrderDrafts.Now);
                var invoice = Invoice.ForShipment(NewId(), order, NewId(), runs, invoiced, OrderDrafts.Now);
                foreach (var l in invoice.Lines)
                {
                    invoiced[l.OrderLineId!] = invoiced.GetValueOrDefault(l.OrderLineId!) + l.Quantity;
                    documents.Add((l.OrderLineId, l.Amount, l.AdjustmentAmount, l.TaxAmount, 1));
                }
            }
            void Credit(ChangeOrder change)
            {
                changes.Add(change);
                var billed = Charges(order).Where(invoiced.ContainsKey).ToHashSet();
                foreach (var l in CreditMemo.BilledLinesOf(change, billed).Where(l => l.OrderLineId is not null))
                    documents.Add((l.OrderLineId, -l.AmountDelta, -l.AdjustmentDelta, -l.TaxDelta, -1));
            }
            for (var step = 0; step < 8; step++)
            {
                var products = order.RoutableLines.ToList();
                var line = products[random.Next(products.Count)];
                switch (random.Next(5))
                {
                    case 0 when line.QuantityAvailableToCancel > 0:
                        changes.Add(order.Cancel(NewId(), [new CancelRequestLine(line.Id, random.Next(1, line.QuantityAvailableToCancel + 1))],
                            random.Next(2) == 0, null, OrderDrafts.Now, Charges(order).Where(invoiced.ContainsKey).ToHashSet()));
                        break;
                    case 1 when line.QuantityAvailableToCancel > 0:
                        var q = random.Next(1, line.QuantityAvailableToCancel + 1);
                        order.RecordRouting([(line.Id, q)], null, OrderDrafts.Now);
                        ShipAndInvoice([(line.Id, random.Next(1, q + 1))]);
                        break;
                    case 2 when line.QuantityAvailableToReturn > 0:
                        // Sometimes with a restocking fee (beyond the credit it is invoiced: the same lines, the other way).
                        var fee = order.Currency.FromMinor(random.Next(0, 3) == 0 ? random.Next(1, 5000) : 0);
                        Credit(order.Return(NewId(), [new ReturnRequestLine(line.Id, random.Next(1, line.QuantityAvailableToReturn + 1))],
                            random.Next(2) == 0, fee > 0 ? [new ReturnFee("restocking", fee)] : [], null, OrderDrafts.Now));
                        break;
                    case 3 when line.AdjustedAmount > 0:
                        Credit(order.Adjust(NewId(), [new AdjustRequestLine(line.Id, null, random.Next(1, 101))], null, OrderDrafts.Now, invoiced));
                        break;
                    case 4:
                        var group = order.DeliveryGroups[random.Next(order.DeliveryGroups.Count)];
                        var charge = group.Lines.FirstOrDefault(l => l.Type == OrderLineType.DeliveryCharge);
                        var off = charge is null ? 0m : order.Currency.Round(charge.AdjustedAmount * random.Next(1, 101) / 100m);
                        if (off > 0) Credit(order.AdjustDelivery(NewId(), group.Id, -off, null, OrderDrafts.Now));
                        break;
                }
            }
            // Everything left goes out and is invoiced.
            foreach (var line in order.RoutableLines.Where(l => l.QuantityAvailableToFulfill > 0).ToList())
                order.RecordRouting([(line.Id, line.QuantityAvailableToFulfill)], null, OrderDrafts.Now);
            ShipAndInvoice([.. order.RoutableLines.Where(l => l.QuantityAllocated > l.QuantityFulfilled).Select(l => (l.Id, l.QuantityAllocated - l.QuantityFulfilled))]);
            foreach (var line in order.Lines.Where(l => l.Type == OrderLineType.Product || invoiced.ContainsKey(l.Id)))
            {
                var mine = documents.Where(d => d.LineId == line.Id).ToList();
                var net = (mine.Sum(d => d.Sign * d.Amount), mine.Sum(d => d.Sign * d.Adjustment), mine.Sum(d => d.Sign * d.Tax));
                if (line.Type == OrderLineType.Product && net != (line.LineAmount, line.AdjustmentAmount, line.TaxAmount))
                    return false.Label($"line {line.Reference}: invoiced less credited {net}, the line {(line.LineAmount, line.AdjustmentAmount, line.TaxAmount)}");
            }
            var everyLineAtOrAboveZero = order.Lines.All(l => l.LineAmount >= 0 && l.AdjustedAmount >= 0 && l.TaxAmount >= 0 && l.TotalAmount(order.Taxation) >= 0);
            return (order.Totals.GrandTotalAmount == original + changes.Sum(c => c.TotalDelta)).Label("original + change orders")
                .And(everyLineAtOrAboveZero.Label("no line below zero"))
                .And(order.Lines.All(l => l.QuantitiesAreConsistent).Label("quantities"));
        });
}
