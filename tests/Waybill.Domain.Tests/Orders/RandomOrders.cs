using FsCheck;
using FsCheck.Fluent;
using Waybill.Domain.Common;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Tests.Orders;

/// <summary>Random valid order drafts in JPY, USD and KWD, net and gross, with line and order-level adjustments.</summary>
internal static class RandomOrders
{
    public static Arbitrary<OrderDraft> Drafts() => Draft().ToArbitrary();

    private static Gen<OrderDraft> Draft() =>
        from code in Gen.Elements("JPY", "USD", "KWD")
        from taxation in Gen.Elements(Taxation.Net, Taxation.Gross)
        let currency = Currency.Of(code)
        from groupCount in Gen.Choose(1, 3)
        from groups in Gen.ListOf(Group(currency), groupCount)
        // Sometimes the order adjustments take everything that is left: rounding must still never push a line below zero.
        from orderAdjustmentFractions in Gen.ListOf(Gen.Frequency((3, Gen.Choose(0, 60)), (1, Gen.Constant(100))), 2)
        from adjustmentCount in Gen.Choose(0, 2)
        select Build(currency, taxation, [.. groups], [.. orderAdjustmentFractions.Take(adjustmentCount)]);

    private static Gen<(int Quantity, long UnitMinor, int AdjustPercent, int TaxPercent)[]> Group(Currency currency) =>
        from count in Gen.Choose(1, 5)
        from lines in Gen.ArrayOf(
            from quantity in Gen.Choose(1, 7)
            from unit in Gen.Choose(0, 500_000)
            from adjust in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(0, 100)))
            from tax in Gen.Choose(0, 25)
            select (quantity, (long)unit, adjust, tax), count)
        select lines;

    private static OrderDraft Build(Currency currency, Taxation taxation, List<(int Quantity, long UnitMinor, int AdjustPercent, int TaxPercent)[]> groups, List<int> orderPercents)
    {
        // Lines after their own adjustments first, then the order adjustments (a share of what is left), then taxes:
        // a tax is on the line after every adjustment, its order-level share included (api.md).
        long productsAfterLineAdjustments = 0;
        foreach (var group in groups)
        {
            foreach (var (quantity, unitMinor, adjustPercent, _) in group)
                productsAfterLineAdjustments += unitMinor * quantity - unitMinor * quantity * adjustPercent / 100;
        }
        var orderAdjustments = new List<AdjustmentDraft>();
        var remaining = productsAfterLineAdjustments;
        foreach (var percent in orderPercents)
        {
            var minor = remaining * percent / 100;
            remaining -= minor;
            orderAdjustments.Add(new AdjustmentDraft("o", null, currency.FromMinor(-minor)));
        }
        // Each line keeps about this fraction of its amount; its share is within one minor unit of exact.
        var kept = productsAfterLineAdjustments == 0 ? 1m : (decimal)remaining / productsAfterLineAdjustments;

        var lineNo = 0;
        var groupDrafts = new List<DeliveryGroupDraft>();
        foreach (var (group, g) in groups.Select((x, i) => (x, i)))
        {
            var lines = new List<LineDraft>();
            foreach (var (quantity, unitMinor, adjustPercent, taxPercent) in group)
            {
                var lineMinor = unitMinor * quantity;
                var adjustMinor = -(lineMinor * adjustPercent / 100);
                var taxMinor = Math.Max(0, (long)decimal.Floor((lineMinor + adjustMinor) * kept * taxPercent / 100m) - 1);
                lines.Add(new LineDraft($"l{++lineNo}", $"SKU-{lineNo}", "item", quantity, currency.FromMinor(unitMinor),
                    adjustMinor == 0 ? [] : [new AdjustmentDraft("p", null, currency.FromMinor(adjustMinor))],
                    [new TaxDraft("tax", taxPercent / 100m, currency.FromMinor(taxMinor))]));
            }
            groupDrafts.Add(new DeliveryGroupDraft($"g{g}", new DeliveryMethod("ground", DeliveryMethodType.Ship, null), OrderDrafts.Home,
                new DeliveryChargeDraft(currency.FromMinor(500 * (g + 1)), 0, []), lines));
        }
        return new OrderDraft("web", "X-1", OrderDrafts.Now, currency, taxation, null, groupDrafts, orderAdjustments, []);
    }
}
