namespace Waybill.Domain.Orders;

/// <summary>The order's figures, each the sum of its lines' (domain.md "Totals"). Negative numbers are discounts.</summary>
public sealed record OrderTotals(
    decimal ProductAmount,
    decimal ProductAdjustmentAmount,
    decimal ProductTaxAmount,
    decimal DeliveryAmount,
    decimal DeliveryAdjustmentAmount,
    decimal DeliveryTaxAmount,
    decimal TotalTaxAmount,
    decimal FeeAmount,
    decimal GrandTotalAmount)
{
    /// <param name="feeAmount">The fees change orders charged (restocking, return shipping): untaxed, on no line.</param>
    public static OrderTotals Of(IEnumerable<OrderLine> lines, Taxation taxation, decimal feeAmount = 0m)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return Of(lines.Select(l => new LineFigures(l.Type, l.LineAmount, l.AdjustmentAmount, l.TaxAmount))
            .Append(new LineFigures(OrderLineType.Fee, feeAmount, 0m, 0m)), taxation);
    }

    public static OrderTotals Of(IEnumerable<LineFigures> lines, Taxation taxation)
    {
        ArgumentNullException.ThrowIfNull(lines);
        decimal product = 0, productAdjustment = 0, productTax = 0, delivery = 0, deliveryAdjustment = 0, deliveryTax = 0, fees = 0, grand = 0;
        foreach (var line in lines)
        {
            if (line.Type == OrderLineType.Fee)
            {
                fees += line.Amount;
                grand += line.Amount;
                continue;
            }
            if (line.Type == OrderLineType.Product)
            {
                product += line.Amount;
                productAdjustment += line.Adjustment;
                productTax += line.Tax;
            }
            else
            {
                delivery += line.Amount;
                deliveryAdjustment += line.Adjustment;
                deliveryTax += line.Tax;
            }
            grand += taxation == Taxation.Gross ? line.Amount + line.Adjustment : line.Amount + line.Adjustment + line.Tax;
        }
        return new OrderTotals(product, productAdjustment, productTax, delivery, deliveryAdjustment, deliveryTax, productTax + deliveryTax, fees, grand);
    }

    /// <summary>The figures by their API names, to compare with what a channel sent.</summary>
    public IReadOnlyDictionary<string, decimal> ByName() => new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["productAmount"] = ProductAmount,
        ["productAdjustmentAmount"] = ProductAdjustmentAmount,
        ["productTaxAmount"] = ProductTaxAmount,
        ["deliveryAmount"] = DeliveryAmount,
        ["deliveryAdjustmentAmount"] = DeliveryAdjustmentAmount,
        ["deliveryTaxAmount"] = DeliveryTaxAmount,
        ["totalTaxAmount"] = TotalTaxAmount,
        ["feeAmount"] = FeeAmount,
        ["grandTotalAmount"] = GrandTotalAmount,
    };
}

/// <summary>A line's money figures: as they are, or as a change would leave them.</summary>
public readonly record struct LineFigures(OrderLineType Type, decimal Amount, decimal Adjustment, decimal Tax);
