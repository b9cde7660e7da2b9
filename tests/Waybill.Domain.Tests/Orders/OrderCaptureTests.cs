using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Tests.Orders;

public class OrderCaptureTests
{
    [Fact]
    public void The_api_example_totals_53_29()
    {
        var order = OrderDrafts.Capture(OrderDrafts.WebNetUsd());
        var t = order.Totals;
        Assert.Equal(new OrderTotals(50.00m, -10.00m, 2.50m, 9.99m, 0m, 0.80m, 3.30m, 0m, 53.29m), t);
        var line = order.ProductLines.Single();
        Assert.Equal(40.00m, line.AdjustedAmount);
        Assert.Equal(42.50m, line.TotalAmount(Taxation.Net));
        Assert.Equal(PaymentStatus.Authorized, order.PaymentStatus);
        Assert.Equal(OrderEventTypes.Created, Assert.Single(order.Events).Type);
    }

    [Fact]
    public void Gross_prices_include_the_tax_so_it_is_not_added_twice()
    {
        var berlin = new Address("Jonas Weber", "Hauptstr. 5", null, "Berlin", null, "10115", "DE", 52.53, 13.38);
        var draft = new OrderDraft("call-center", "CC-7781", OrderDrafts.Now, Currency.Of("EUR"), Taxation.Gross, berlin,
        [
            new DeliveryGroupDraft("home", new DeliveryMethod("dhl-standard", DeliveryMethodType.Ship, null), berlin,
                new DeliveryChargeDraft(4.95m, 0m, [new AdjustmentDraft("FREESHIP", "Free shipping", -4.95m)]),
                [
                    new LineDraft("a", "JACKET-BLK-L", "Jacket", 1, 119.00m, [], [new TaxDraft("MwSt", 0.19m, 19.00m)]),
                    new LineDraft("b", "SOCKS-3PK", "Socks", 3, 11.90m, [], [new TaxDraft("MwSt", 0.19m, 5.70m)]),
                ]),
            new DeliveryGroupDraft("gift", new DeliveryMethod("store-pickup", DeliveryMethodType.Pickup, "STORE-BERLIN-MITTE"), berlin,
                new DeliveryChargeDraft(0m, 0m, []),
                [new LineDraft("c", "SCARF-RED", "Scarf", 1, 29.75m, [], [new TaxDraft("MwSt", 0.19m, 4.75m)])]),
        ], [],
        [
            new PaymentDraft("gift_card", "mock", "gc_551", 50m, 50m, null),
            new PaymentDraft("card", "mock", "auth_9981", 134.45m, 0m, null),
        ]);
        var order = OrderDrafts.Capture(draft);
        Assert.Equal(184.45m, order.Totals.GrandTotalAmount);
        Assert.Equal(29.45m, order.Totals.TotalTaxAmount);
        Assert.Equal(PaymentStatus.PartiallyPaid, order.PaymentStatus);
    }

    [Fact]
    public void An_order_adjustment_larger_than_the_lines_names_the_field()
    {
        var draft = OrderDrafts.WebNetUsd() with { OrderAdjustments = [new AdjustmentDraft("BIG", null, -45.01m)] };
        var error = Assert.Throws<DomainValidationException>(() => OrderDrafts.Capture(draft));
        Assert.Contains("orderAdjustments[0].amount", error.Errors.Keys);
    }

    [Fact]
    public void A_line_adjustment_larger_than_the_line_names_the_field()
    {
        var draft = OrderDrafts.WebNetUsd();
        var group = draft.DeliveryGroups[0];
        var line = group.Lines[0] with { Adjustments = [new AdjustmentDraft("x", null, -50.01m)] };
        draft = draft with { DeliveryGroups = [group with { Lines = [line] }] };
        var error = Assert.Throws<DomainValidationException>(() => OrderDrafts.Capture(draft));
        Assert.Contains("deliveryGroups[0].lines[0].adjustments", error.Errors.Keys);
    }

    [Theory]
    [InlineData("JPY", "1200.5")]
    [InlineData("USD", "25.001")]
    [InlineData("KWD", "1.0005")]
    public void Too_many_decimals_for_the_currency_is_refused(string code, string price)
    {
        var draft = OrderDrafts.WebNetUsd() with { Currency = Currency.Of(code), OrderAdjustments = [], Payments = [] };
        var group = draft.DeliveryGroups[0];
        var line = group.Lines[0] with { UnitPrice = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), Adjustments = [], Taxes = [] };
        draft = draft with { DeliveryGroups = [group with { Lines = [line], DeliveryCharge = new DeliveryChargeDraft(0, 0, []) }] };
        var error = Assert.Throws<DomainValidationException>(() => OrderDrafts.Capture(draft));
        Assert.Contains("deliveryGroups[0].lines[0].unitPrice", error.Errors.Keys);
    }

    [Fact]
    public void Duplicate_line_references_are_refused()
    {
        var draft = OrderDrafts.WebNetUsd();
        var group = draft.DeliveryGroups[0];
        draft = draft with { DeliveryGroups = [group with { Lines = [group.Lines[0], group.Lines[0]] }] };
        var error = Assert.Throws<DomainValidationException>(() => OrderDrafts.Capture(draft));
        Assert.Contains("deliveryGroups[0].lines[1].reference", error.Errors.Keys);
    }

    [Property(MaxTest = 500)]
    public Property Order_totals_always_equal_the_sum_of_line_totals() =>
        Prop.ForAll(RandomOrders.Drafts(), draft =>
        {
            var order = OrderDrafts.Capture(draft);
            var t = order.Totals;
            var lines = order.Lines.ToList();
            var orderAdjustments = draft.OrderAdjustments.Sum(a => a.Amount);
            var orderShares = order.ProductLines.SelectMany(l => l.Adjustments).Where(a => a.Source == AdjustmentSource.OrderShare).Sum(a => a.Amount);
            var currency = draft.Currency;
            return t.GrandTotalAmount == lines.Sum(l => l.TotalAmount(draft.Taxation))
                && t.TotalTaxAmount == lines.Sum(l => l.TaxAmount)
                && t.ProductAmount + t.ProductAdjustmentAmount + t.DeliveryAmount + t.DeliveryAdjustmentAmount
                   + (draft.Taxation == Taxation.Net ? t.TotalTaxAmount : 0) == t.GrandTotalAmount
                && orderShares == orderAdjustments
                && lines.All(l => l.AdjustedAmount >= 0 && currency.Allows(l.AdjustedAmount));
        });

    [Fact]
    public void Several_order_adjustments_worth_the_whole_order_leave_every_line_at_zero()
    {
        // Split one by one, -20.00 and -10.00 over three 10.00 lines would round onto the same line and take it below zero.
        var draft = OrderDrafts.WebNetUsd();
        var group = draft.DeliveryGroups[0];
        LineDraft Line(string reference) => new(reference, "SKU-" + reference, reference, 1, 10.00m, [], []);
        draft = draft with
        {
            DeliveryGroups = [group with { Lines = [Line("a"), Line("b"), Line("c")] }],
            OrderAdjustments = [new AdjustmentDraft("A", null, -20.00m), new AdjustmentDraft("B", null, -10.00m)],
        };
        var order = OrderDrafts.Capture(draft);
        Assert.All(order.ProductLines, l => Assert.Equal(0m, l.AdjustedAmount));
        Assert.Equal(-20.00m, order.ProductLines.SelectMany(l => l.Adjustments).Where(a => a.Reference == "A").Sum(a => a.Amount));
        Assert.Equal(-10.00m, order.ProductLines.SelectMany(l => l.Adjustments).Where(a => a.Reference == "B").Sum(a => a.Amount));
    }

    [Fact]
    public void Under_gross_the_included_tax_is_checked_after_the_order_share()
    {
        var draft = OrderDrafts.WebNetUsd() with { Taxation = Taxation.Gross, OrderAdjustments = [new AdjustmentDraft("BIG", null, -44.00m)] };
        var error = Assert.Throws<DomainValidationException>(() => OrderDrafts.Capture(draft));
        Assert.Contains("deliveryGroups[0].lines[0].taxes", error.Errors.Keys);
    }

    [Fact]
    public void A_line_worth_more_than_the_largest_amount_is_refused_not_overflowed()
    {
        var draft = OrderDrafts.WebNetUsd() with { OrderAdjustments = [], Payments = [] };
        var group = draft.DeliveryGroups[0];
        var line = group.Lines[0] with { UnitPrice = 100_000_000_000m, Quantity = 1_000_000, Adjustments = [] };
        draft = draft with { DeliveryGroups = [group with { Lines = [line] }] };
        var error = Assert.Throws<DomainValidationException>(() => OrderDrafts.Capture(draft));
        Assert.Contains("deliveryGroups[0].lines[0].unitPrice", error.Errors.Keys);
    }

    [Property(MaxTest = 500)]
    public Property Each_line_gets_its_proportional_share_of_the_order_adjustments_within_one_minor_unit() =>
        Prop.ForAll(RandomOrders.Drafts(), draft =>
        {
            var order = OrderDrafts.Capture(draft);
            var unit = 1m / draft.Currency.MinorUnitFactor;
            var lines = order.ProductLines.ToList();
            // Computed here from the draft's own figures, not from the model's proration.
            var own = lines.Select(l => l.LineAmount + l.Adjustments.Where(a => a.Source == AdjustmentSource.Line).Sum(a => a.Amount)).ToList();
            var total = own.Sum();
            var orderSum = draft.OrderAdjustments.Sum(a => a.Amount);
            for (var i = 0; i < lines.Count; i++)
            {
                var share = lines[i].Adjustments.Where(a => a.Source == AdjustmentSource.OrderShare).Sum(a => a.Amount);
                var exact = total == 0 ? 0m : orderSum * own[i] / total;
                if (Math.Abs(share - exact) >= unit || own[i] + share < 0 || share > 0) return false;
            }
            return true;
        });

    [Fact]
    public void Order_adjustments_are_spread_in_proportion_to_lines_after_their_own_adjustments()
    {
        var draft = OrderDrafts.WebNetUsd();
        var group = draft.DeliveryGroups[0];
        LineDraft Line(string reference, decimal price) => new(reference, "SKU-" + reference, reference, 1, price, [], []);
        draft = draft with
        {
            DeliveryGroups = [group with { Lines = [Line("a", 10m), Line("b", 10m), Line("c", 10m)] }],
            OrderAdjustments = [new AdjustmentDraft("TEN", null, -10.00m)],
        };
        var order = OrderDrafts.Capture(draft);
        Assert.Equal([-3.34m, -3.33m, -3.33m], order.ProductLines.Select(l => l.AdjustmentAmount));
    }
}
