namespace Waybill.Domain.Common;

/// <summary>
/// Splits a whole over weighted parts with the largest remainder method, in minor units (domain.md "Money").
/// Each part gets the floor of its exact share of the magnitude; the leftover units go one each to the parts
/// with the largest remainders (ties: the earlier part); every part then takes the sign of the whole.
/// Parts of weight zero get nothing unless every weight is zero, and then the split is equal.
/// The parts always add up exactly to the whole.
/// </summary>
public static class Proration
{
    public static long[] Split(long whole, IReadOnlyList<long> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
        {
            if (whole != 0) throw new ArgumentException("A non-zero amount cannot be split over no parts.", nameof(weights));
            return [];
        }

        Int128 totalWeight = 0;
        foreach (var weight in weights)
        {
            if (weight < 0) throw new ArgumentException("Weights must not be negative.", nameof(weights));
            totalWeight += weight;
        }

        var equal = totalWeight == 0;
        if (equal) totalWeight = weights.Count;

        Int128 magnitude = whole < 0 ? -(Int128)whole : whole;
        var parts = new long[weights.Count];
        var remainders = new Int128[weights.Count];
        Int128 assigned = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = magnitude * (equal ? 1 : weights[i]);
            var share = exact / totalWeight;
            parts[i] = (long)share;
            remainders[i] = exact % totalWeight;
            assigned += share;
        }

        var leftover = (long)(magnitude - assigned);
        if (leftover > 0)
        {
            // Stable order: largest remainder first, the earlier part on a tie.
            var order = Enumerable.Range(0, weights.Count)
                .OrderByDescending(i => remainders[i])
                .ThenBy(i => i)
                .Take((int)leftover);
            foreach (var i in order) parts[i]++;
        }

        if (whole < 0)
        {
            for (var i = 0; i < parts.Length; i++) parts[i] = -parts[i];
        }
        return parts;
    }

    /// <summary>Splits money over weights given in the same currency's minor units (or any whole-number weights).</summary>
    public static Money[] Split(Money whole, IReadOnlyList<long> weights) =>
        Array.ConvertAll(Split(whole.Minor, weights), minor => Money.FromMinor(minor, whole.Currency));

    /// <summary>Spreads a line's amount over its units once: unit i gets its share, the first units carry the extra minor units.</summary>
    public static long[] OverUnits(long whole, int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        return Split(whole, new long[units]);
    }
}
