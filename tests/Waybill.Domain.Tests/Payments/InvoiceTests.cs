using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;
using Waybill.Domain.Tests.Orders;

namespace Waybill.Domain.Tests.Payments;

public class InvoiceTests
{
    [Fact]
    public void The_first_units_carry_the_extra_cents_and_the_delivery_charge_goes_on_the_first_invoice()
    {
        // The api.md example: 2 × 25.00, −5.00 line promotion, −5.00 order promotion (all on this one line), tax 2.50,
        // delivery 9.99 + 0.80 tax. Grand total 53.29.
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        var first = Invoice.ForShipment("inv1", order, "s1", [(line.Id, 1)], new Dictionary<string, int>(), OrderDrafts.Now);
        var shirt = first.Lines.Single(l => l.Type == OrderLineType.Product);
        Assert.Equal((25.00m, -5.00m, 1.25m, 21.25m), (shirt.Amount, shirt.AdjustmentAmount, shirt.TaxAmount, shirt.TotalAmount));
        var delivery = first.Lines.Single(l => l.Type == OrderLineType.DeliveryCharge);
        Assert.Equal(10.79m, delivery.TotalAmount);
        Assert.Equal(32.04m, first.TotalAmount);
        Assert.Equal(InvoiceStatus.Open, first.Status);

        var second = Invoice.ForShipment("inv2", order, "s2", [(line.Id, 1)], new Dictionary<string, int> { [line.Id] = 1, [delivery.OrderLineId!] = 1 }, OrderDrafts.Now);
        Assert.Equal(21.25m, Assert.Single(second.Lines).TotalAmount);
        Assert.Equal(53.29m, first.TotalAmount + second.TotalAmount);
    }

    [Fact]
    public void Odd_cents_go_to_the_front_units()
    {
        var usd = Currency.Of("USD");
        // 10.00 over 3 units: 3.34, 3.33, 3.33; a negative whole keeps its sign.
        Assert.Equal(3.34m, LineUnits.Share(10.00m, usd, 3, 0, 1));
        Assert.Equal(6.66m, LineUnits.Share(10.00m, usd, 3, 1, 2));
        Assert.Equal(-6.67m, LineUnits.Share(-10.00m, usd, 3, 0, 2));
        Assert.Equal(0m, LineUnits.Share(10.00m, usd, 3, 2, 0));
    }

    [Fact]
    public void Invoicing_more_units_than_the_line_has_is_refused()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var line = order.ProductLines.Single();
        var e = Assert.Throws<DomainException>(() =>
            Invoice.ForShipment("inv", order, "s", [(line.Id, 2)], new Dictionary<string, int> { [line.Id] = 1 }, OrderDrafts.Now));
        Assert.Equal("quantity_exceeds_remaining", e.Code);
    }

    [Fact]
    public void Funds_are_applied_until_the_balance_is_zero_then_the_invoice_is_paid()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var invoice = Invoice.ForShipment("inv", order, "s", [(order.ProductLines.Single().Id, 2)], new Dictionary<string, int>(), OrderDrafts.Now);
        invoice.ClearEvents();
        invoice.Apply(50.00m, OrderDrafts.Now);
        Assert.Equal((InvoiceStatus.Open, 3.29m), (invoice.Status, invoice.Balance));
        Assert.Throws<ArgumentOutOfRangeException>(() => invoice.Apply(3.30m, OrderDrafts.Now));
        invoice.Apply(3.29m, OrderDrafts.Now);
        Assert.Equal((InvoiceStatus.Paid, 0m), (invoice.Status, invoice.Balance));
        Assert.Equal([InvoiceEventTypes.Paid], invoice.Events);
        Assert.Throws<InvalidTransitionException>(invoice.EnsureFundsAllowed);
    }

    /// <summary>
    /// Any order shipped in any number of shipments of any sizes, in any order: the invoices of a line add up to the line
    /// (amount, adjustments, tax), every delivery charge is billed once, the invoices add up to the grand total, and no
    /// invoice line is below zero.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property Invoices_of_any_shipments_add_up_to_the_order() =>
        Prop.ForAll(RandomOrders.Drafts(), ArbMap.Default.ArbFor<int>(), (draft, seed) =>
        {
            var order = OrderDrafts.Capture(draft);
            var random = new Random(seed);
            // Every line's quantity cut into runs, the runs dealt to shipments in a random order.
            var runs = order.ProductLines.SelectMany(l => Cut(l.QuantityOrdered, random).Select(q => (l.Id, q))).OrderBy(_ => random.Next()).ToList();
            var invoiced = new Dictionary<string, int>(StringComparer.Ordinal);
            var invoices = new List<Invoice>();
            for (var i = 0; i < runs.Count;)
            {
                var take = Math.Min(runs.Count - i, random.Next(1, 4));
                var invoice = Invoice.ForShipment($"inv{invoices.Count}", order, $"s{invoices.Count}", runs.Skip(i).Take(take), invoiced, OrderDrafts.Now);
                foreach (var l in invoice.Lines) invoiced[l.OrderLineId!] = invoiced.GetValueOrDefault(l.OrderLineId!) + l.Quantity;
                invoices.Add(invoice);
                i += take;
            }
            var lines = invoices.SelectMany(i => i.Lines).ToList();
            foreach (var line in order.Lines)
            {
                var billed = lines.Where(l => l.OrderLineId == line.Id).ToList();
                if (billed.Sum(l => l.Quantity) != line.QuantityOrdered) return false.Label($"line {line.Reference} billed {billed.Sum(l => l.Quantity)} units");
                if (billed.Sum(l => l.Amount) != line.LineAmount || billed.Sum(l => l.AdjustmentAmount) != line.AdjustmentAmount || billed.Sum(l => l.TaxAmount) != line.TaxAmount)
                    return false.Label($"line {line.Reference}: billed amounts do not add up to the line");
            }
            if (lines.Any(l => l.Amount + l.AdjustmentAmount < 0 || l.TotalAmount < 0)) return false.Label("an invoice line below zero");
            return (invoices.Sum(i => i.TotalAmount) == order.Totals.GrandTotalAmount).Label("invoices add up to the grand total");
        });

    private static IEnumerable<int> Cut(int quantity, Random random)
    {
        while (quantity > 0)
        {
            var run = random.Next(1, quantity + 1);
            yield return run;
            quantity -= run;
        }
    }
}
