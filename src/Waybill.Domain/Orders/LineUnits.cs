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
    /// <summary>
    /// The share of units <c>[firstUnit, firstUnit + count)</c> of the line's ordered units: of the captured figures, and of
    /// the appeasements since (unless <paramref name="asCaptured"/>).
    /// </summary>
    public static UnitsShare Of(OrderLine line, Currency currency, int firstUnit, int count, bool asCaptured = false)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(currency);
        var units = line.QuantityOrdered;
        if (firstUnit < 0 || count < 0 || firstUnit + count > units)
            throw new ArgumentOutOfRangeException(nameof(count), $"Units {firstUnit}..{firstUnit + count} are outside the line's {units}.");
        var share = new UnitsShare(
            Share(line.OriginalLineAmount, currency, units, firstUnit, count),
            Share(line.OriginalAdjustmentAmount, currency, units, firstUnit, count),
            Share(line.OriginalTaxAmount, currency, units, firstUnit, count));
        if (asCaptured || line.Appeasements.Count == 0 || count == 0) return share;
        var (adjustments, taxes) = AppeasementsPerUnit(line, currency, line.Appeasements);
        long adjustment = 0, tax = 0;
        for (var unit = firstUnit; unit < firstUnit + count; unit++)
        {
            adjustment += adjustments[unit];
            tax += taxes[unit];
        }
        return share with
        {
            AdjustmentAmount = share.AdjustmentAmount + currency.FromMinor(adjustment),
            TaxAmount = share.TaxAmount + currency.FromMinor(tax),
        };
    }

    /// <summary>
    /// What each unit's adjustment and tax (minor units) would gain from one more appeasement over <paramref name="over"/>:
    /// the adjustment split in proportion to each unit's adjusted amount then, the tax to each unit's tax then (largest
    /// remainder), so a unit never goes below zero when the line does not.
    /// </summary>
    public static (long[] Adjustment, long[] Tax) SplitOfNext(OrderLine line, Currency currency, UnitAdjustment next)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(next);
        var (before, beforeTax) = AppeasementsPerUnit(line, currency, line.Appeasements);
        var (withNext, withNextTax) = AppeasementsPerUnit(line, currency, [.. line.Appeasements, next]);
        return ([.. withNext.Select((a, u) => a - before[u])], [.. withNextTax.Select((t, u) => t - beforeTax[u])]);
    }

    /// <summary>Per unit (minor units), the adjustment and tax the appeasements added, each spread by the units' figures before it.</summary>
    private static (long[] Adjustment, long[] Tax) AppeasementsPerUnit(OrderLine line, Currency currency, IReadOnlyList<UnitAdjustment> appeasements)
    {
        var units = line.QuantityOrdered;
        var adjusted = new long[units];
        var taxes = new long[units];
        for (var unit = 0; unit < units; unit++)
        {
            adjusted[unit] = currency.ToMinor(Share(line.OriginalLineAmount, currency, units, unit, 1) + Share(line.OriginalAdjustmentAmount, currency, units, unit, 1));
            taxes[unit] = currency.ToMinor(Share(line.OriginalTaxAmount, currency, units, unit, 1));
        }
        var addedAdjustment = new long[units];
        var addedTax = new long[units];
        foreach (var appeasement in appeasements)
        {
            var over = UnitRanges.Parse(appeasement.Units).Runs.SelectMany(r => Enumerable.Range(r.First, r.Count)).ToList();
            if (over.Count == 0) continue;
            var adjustmentParts = Proration.Split(currency.ToMinor(appeasement.Adjustment), [.. over.Select(u => Math.Max(0, adjusted[u]))]);
            var taxParts = Proration.Split(currency.ToMinor(appeasement.Tax), [.. over.Select(u => Math.Max(0, taxes[u]))]);
            for (var i = 0; i < over.Count; i++)
            {
                addedAdjustment[over[i]] += adjustmentParts[i];
                adjusted[over[i]] += adjustmentParts[i];
                addedTax[over[i]] += taxParts[i];
                taxes[over[i]] += taxParts[i];
            }
        }
        return (addedAdjustment, addedTax);
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
