using Waybill.Domain.Common;

namespace Waybill.Domain.Orders;

/// <summary>What a run of a line's units costs: their share of the line amount, of its adjustments and of its taxes.</summary>
public readonly record struct UnitsShare(decimal Amount, decimal AdjustmentAmount, decimal TaxAmount)
{
    public decimal AdjustedAmount => Amount + AdjustmentAmount;

    /// <summary>Under gross taxation the tax is inside the adjusted amount (domain.md "Money").</summary>
    public decimal TotalAmount(Taxation taxation) => taxation == Taxation.Gross ? AdjustedAmount : AdjustedAmount + TaxAmount;
}

/// <summary>
/// A line's amounts spread over its units once (domain.md "Money", "Units"): the line amount, its adjustments and its
/// taxes each split over the ordered units by the largest remainder method with equal weights, so the first units carry
/// the extra minor units. Every later split — a shipment's invoice (units from the front), a cancel (from the back), a
/// return — is a sum over a run of units, so the parts of a line always add up to the line.
/// </summary>
/// <remarks>
/// The adjustments are split as one sum, not one by one: split separately, two one-cent discounts on a two-unit line of
/// two cents would both put their cent on the first unit, leaving it at −0.01. Split as a sum, no unit's adjustment
/// exceeds its amount whenever the line's does not (the same floors, and the extra cents on the same first units).
/// Taxes are split as one sum too, so a unit's tax follows the same rule.
/// </remarks>
public static class LineUnits
{
    /// <summary>The share of units <c>[firstUnit, firstUnit + count)</c> of the line's ordered units.</summary>
    public static UnitsShare Of(OrderLine line, Currency currency, int firstUnit, int count)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(currency);
        var units = line.QuantityOrdered;
        if (firstUnit < 0 || count < 0 || firstUnit + count > units)
            throw new ArgumentOutOfRangeException(nameof(count), $"Units {firstUnit}..{firstUnit + count} are outside the line's {units}.");
        return new UnitsShare(
            Share(line.OriginalLineAmount, currency, units, firstUnit, count),
            Share(line.OriginalAdjustmentAmount, currency, units, firstUnit, count),
            Share(line.OriginalTaxAmount, currency, units, firstUnit, count));
    }

    /// <summary>
    /// The sum of units <c>[first, first + count)</c> of <paramref name="whole"/> split equally over <paramref name="units"/>:
    /// each unit has the floor of the magnitude's share, the first <c>magnitude mod units</c> one minor unit more (the
    /// largest remainder method's tie-break with equal weights), then the sign of the whole.
    /// </summary>
    public static decimal Share(decimal whole, Currency currency, int units, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(currency);
        if (count == 0 || whole == 0) return currency.Normalize(0m);
        var minor = currency.ToMinor(whole);
        var magnitude = Math.Abs(minor);
        var floor = magnitude / units;
        var extra = magnitude % units;
        var extraInRun = Math.Clamp(Math.Min(first + count, extra) - first, 0, count);
        var share = floor * count + extraInRun;
        return currency.FromMinor(minor < 0 ? -share : share);
    }
}
