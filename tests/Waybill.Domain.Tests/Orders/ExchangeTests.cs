using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;
using Waybill.Domain.Payments;
using Waybill.Domain.Returns;

namespace Waybill.Domain.Tests.Orders;

public class ExchangeTests
{
    private static int _ids;
    private static string NewId() => $"ex{Interlocked.Increment(ref _ids)}";
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

    /// <summary>One line of <paramref name="quantity"/> units at <paramref name="unitPrice"/> with <paramref name="tax"/> on it, under net taxation.</summary>
    private static OrderDraft OneLine(int quantity, decimal unitPrice, decimal tax) => new(
        "web", "W-1", OrderDrafts.Now, Currency.Of("USD"), Taxation.Net, OrderDrafts.Home,
        [new DeliveryGroupDraft("dg1", new DeliveryMethod("ground", DeliveryMethodType.Ship, null), OrderDrafts.Home, new DeliveryChargeDraft(4.99m, 0m, []),
            [new LineDraft("l1", "SKU-1", "Thing", quantity, unitPrice, [], tax == 0 ? [] : [new TaxDraft("tax", null, tax)])])],
        [], [new PaymentDraft("card", "mock", "auth_ok_1", 1_000_000m, 0m, null)]);

    private static ExchangePlan Plan(Order order, int returned, params ExchangeRequestLine[] newLines) =>
        Exchange.Plan(order, NewId(), "WB-000001/ro1", [new ReturnRequestLine(order.ProductLines.First().Id, returned, "wrong_size")], newLines, null,
            OrderDrafts.Now);

    [Fact]
    public void New_lines_cost_the_returned_lines_price_with_its_effective_tax_rate_rounded_half_away_from_zero()
    {
        // api.md example: 2 × 25.00, −10.00 of promotions, 2.50 tax: each unit gives back 21.25; the rate is 2.50 / 40.00.
        var order = Shipped(OrderDrafts.WebNetUsd());
        var plan = Plan(order, 1, new ExchangeRequestLine("TSHIRT-RED-L", 1, null));

        var line = Assert.Single(Assert.Single(plan.ExchangeOrder.DeliveryGroups).Lines);
        // 25.00 × 0.0625 = 1.5625 → 1.56. The returned unit's discount does not carry over: the new unit is at the line's price.
        Assert.Equal((25.00m, 1.56m), (line.UnitPrice, line.Taxes.Single().Amount));
        Assert.Equal((21.25m, 26.56m, 21.25m, 5.31m, 0m), (plan.ReturnedValue, plan.NewValue, plan.Credit, plan.Owed, plan.Refunded));
        Assert.Equal([new ReturnFee(Exchange.FeeType, 21.25m)], plan.Fees);
        var payment = Assert.Single(plan.ExchangeOrder.Payments);
        Assert.Equal((Exchange.PaymentMethod, Exchange.Gateway, 21.25m, 21.25m), (payment.Method, payment.Gateway, payment.AuthorizedAmount, payment.CapturedAmount));
        Assert.Equal((Exchange.Channel, order.Id, 0m), (plan.ExchangeOrder.Channel, plan.ExchangeOrder.OriginalOrderId,
            plan.ExchangeOrder.DeliveryGroups[0].DeliveryCharge.Amount));
        Assert.Equal((ChangeOrderKind.Exchange, 0m), (plan.Change.Kind, plan.Change.TotalDelta));

        var exchange = Order.Capture(plan.ExchangeOrder, "WB-000002", order.CustomerId, new SequentialIds(), OrderDrafts.Now);
        Assert.Equal((26.56m, order.Id, PaymentStatus.PartiallyPaid), (exchange.Totals.GrandTotalAmount, exchange.OriginalOrderId, exchange.PaymentStatus));
        Assert.Equal(21.25m, exchange.UnappliedPaymentAmount);
    }

    [Fact]
    public void Bad_input_names_the_request_field_and_changes_nothing()
    {
        var order = Shipped(OneLine(2, 10.00m, 0m));
        var lineId = order.ProductLines.Single().Id;
        var version = order.Version;
        ExchangePlan Try(string id, int quantity, ExchangeRequestLine newLine, string? group = null) =>
            Exchange.Plan(order, NewId(), "r", [new ReturnRequestLine(id, quantity)], [newLine], group, OrderDrafts.Now);

        Assert.Contains("returnLines[0].lineId", Assert.Throws<DomainValidationException>(() => Try("nope", 1, new("A", 1, null))).Errors.Keys);
        Assert.Contains("newLines[0].quantity", Assert.Throws<DomainValidationException>(() => Try(lineId, 1, new("A", 0, null))).Errors.Keys);
        Assert.Contains("newLines[0].unitPrice", Assert.Throws<DomainValidationException>(() => Try(lineId, 1, new("A", 1, -0.01m))).Errors.Keys);
        Assert.Contains("newLines[0].unitPrice", Assert.Throws<DomainValidationException>(() => Try(lineId, 1, new("A", 1, 0.001m))).Errors.Keys);
        Assert.Contains("newLines[0].sku", Assert.Throws<DomainValidationException>(() => Try(lineId, 1, new(" ", 1, null))).Errors.Keys);
        Assert.Contains("deliveryGroupId", Assert.Throws<DomainValidationException>(() => Try(lineId, 1, new("A", 1, null), "nope")).Errors.Keys);
        var tooMany = Assert.Throws<FieldRuleException>(() => Try(lineId, 3, new("A", 1, null)));
        Assert.Equal(("quantity_not_returnable", "returnLines[0].quantity"), (tooMany.Code, tooMany.Field));
        Assert.Equal((version, 0), (order.Version, order.ProductLines.Single().QuantityReturnInitiated));
    }

    /// <summary>
    /// Whatever the prices: the returned value pays the new order up to its total (the fee and the payment are that same
    /// amount); received whole, the return's credit memo is exactly what the new order did not use, and it never invoices;
    /// what the new order is still owed is its total less the payment. Nothing is created or lost: the original order keeps
    /// what the customer paid less the memo, and the two orders together cost what the customer kept plus what was new.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property The_returned_value_pays_the_new_order_and_only_the_rest_is_credited_or_owed() =>
        Prop.ForAll(Cases().ToArbitrary(), c =>
            {
                var (quantity, priceCents, taxCents, newPriceCents, newQuantity) = c;
                var price = priceCents / 100m;
                var tax = price == 0 ? 0m : taxCents / 100m;
                var order = Shipped(OneLine(quantity, price, tax));
                var line = order.ProductLines.Single();
                var returned = 1 + (newQuantity - 1) % quantity;
                var plan = Plan(order, returned, new ExchangeRequestLine("NEW", newQuantity, newPriceCents / 100m));

                var exchange = Order.Capture(plan.ExchangeOrder, "WB-2", order.CustomerId, new SequentialIds(), OrderDrafts.Now);
                var paidByCredit = exchange.Payments.Sum(p => p.CapturedAmount);
                var expectedTax = Math.Round(newPriceCents / 100m * newQuantity * Exchange.TaxRateOf(line), 2, MidpointRounding.AwayFromZero);

                var rma = ReturnOrder.Submit(NewId(), order, [new ReturnRequestLine(line.Id, returned, "wrong_size")], false, plan.Fees, NewId, OrderDrafts.Now);
                rma.Approve(OrderDrafts.Now);
                var receipt = rma.Receive(order, NewId(), [new ReceiptLineRequest(rma.Lines[0].Id, returned, 0, ReturnCondition.Damaged, null)], NewId(), NewId(),
                    NothingBilled, OrderDrafts.Now);

                return plan.Credit == Math.Min(plan.ReturnedValue, plan.NewValue)
                       && exchange.Totals.GrandTotalAmount == plan.NewValue
                       && exchange.ProductLines.Single().TaxAmount == expectedTax
                       && paidByCredit == plan.Credit && exchange.UnappliedPaymentAmount == plan.Credit
                       && plan.Fees.Sum(f => f.Amount) == plan.Credit
                       && (receipt.Memo?.TotalAmount ?? 0m) == plan.Refunded
                       && receipt.Invoice is null
                       && exchange.Totals.GrandTotalAmount - paidByCredit == plan.Owed
                       && plan.Change.TotalDelta == receipt.Change!.TotalDelta
                       && order.Totals.GrandTotalAmount == OneLine(quantity, price, tax).DeliveryGroups[0].DeliveryCharge.Amount
                           + quantity * price + tax - plan.ReturnedValue + plan.Credit;
            });

    /// <summary>Units ordered, their price and tax in cents, the new line's price in cents and its quantity.</summary>
    private static Gen<(int, int, int, int, int)> Cases() =>
        from quantity in Gen.Choose(1, 5)
        from price in Gen.Choose(0, 5000)
        from tax in Gen.Choose(0, 600)
        from newPrice in Gen.Choose(0, 9000)
        from newQuantity in Gen.Choose(1, 4)
        select (quantity, price, tax, newPrice, newQuantity);
}
