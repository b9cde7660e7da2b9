using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Common;

namespace Waybill.Domain.Tests.Common;

public class ProrationTests
{
    [Fact]
    public void Minus_ten_over_three_equal_lines_gives_the_first_the_extra_cent()
    {
        var parts = Proration.Split(-1000, [1, 1, 1]);
        Assert.Equal([-334L, -333L, -333L], parts);
    }

    [Fact]
    public void Leftover_units_go_to_the_largest_remainders_not_the_first_parts()
    {
        // 100 over weights 1, 2, 3 (total 6): exact shares 16.67, 33.33, 50 → floors 16, 33, 50 = 99; the 1 left goes to
        // the largest remainder, the first part (4/6), not the second (2/6).
        Assert.Equal([17L, 33L, 50L], Proration.Split(100, [1, 2, 3]));
    }

    [Fact]
    public void Parts_of_weight_zero_get_nothing_unless_every_weight_is_zero()
    {
        Assert.Equal([0L, 500L, 500L], Proration.Split(1000, [0, 1, 1]));
        Assert.Equal([4L, 3L, 3L], Proration.Split(10, [0, 0, 0]));
    }

    [Fact]
    public void Ties_go_to_the_earlier_part()
    {
        Assert.Equal([1L, 0L, 0L], Proration.Split(1, [5, 5, 5]));
        Assert.Equal([0L, 1L, 0L], Proration.Split(1, [0, 5, 5]));
    }

    [Property(MaxTest = 2000)]
    public Property Prorated_parts_always_sum_to_the_whole() =>
        Prop.ForAll(Arbs.Whole(), Arbs.Weights(), (whole, weights) =>
            Proration.Split(whole, weights).Sum() == whole);

    [Property(MaxTest = 2000)]
    public Property Every_part_has_the_sign_of_the_whole_and_is_within_one_unit_of_its_exact_share() =>
        Prop.ForAll(Arbs.Whole(), Arbs.Weights(), (whole, weights) =>
        {
            var parts = Proration.Split(whole, weights);
            var total = weights.Sum();
            for (var i = 0; i < parts.Length; i++)
            {
                if (whole >= 0 ? parts[i] < 0 : parts[i] > 0) return false;
                var exact = total == 0 ? (decimal)whole / weights.Length : (decimal)whole * weights[i] / total;
                if (Math.Abs(parts[i] - exact) >= 1m) return false;
                if (total != 0 && weights[i] == 0 && parts[i] != 0) return false;
            }
            return true;
        });

    [Property(MaxTest = 1000)]
    public Property Prorating_unit_by_unit_equals_prorating_all_at_once() =>
        // A line's amount is spread over its units once; any run of units taken one at a time (a cancel of one unit,
        // then another) adds up to the same as the run taken together, and all runs add up to the line.
        Prop.ForAll(Arbs.Whole(), Gen.Choose(1, 40).ToArbitrary(), Gen.Choose(0, 40).ToArbitrary(), (whole, units, taken) =>
        {
            var k = Math.Min(taken, units);
            var perUnit = Proration.OverUnits(whole, units);
            var fromTheBackOneByOne = 0L;
            for (var u = units - 1; u >= units - k; u--) fromTheBackOneByOne += perUnit[u];
            var fromTheBackAtOnce = perUnit.Skip(units - k).Sum();
            var theRest = perUnit.Take(units - k).Sum();
            return fromTheBackOneByOne == fromTheBackAtOnce && fromTheBackAtOnce + theRest == whole;
        });

    [Property(MaxTest = 1000)]
    public Property Splitting_money_keeps_the_currency_and_the_whole() =>
        Prop.ForAll(Arbs.Whole(), Arbs.Weights(), Gen.Elements("JPY", "USD", "KWD").ToArbitrary(), (whole, weights, code) =>
        {
            var currency = Currency.Of(code);
            var money = Money.FromMinor(whole, currency);
            var parts = Proration.Split(money, weights);
            return parts.All(p => p.Currency == currency) && Money.Sum(parts, currency) == money;
        });

    internal static class Arbs
    {
        public static Arbitrary<long> Whole() => Gen.Choose(-10_000_000, 10_000_000).Select(i => (long)i).ToArbitrary();

        public static Arbitrary<long[]> Weights() =>
            Gen.Choose(1, 12)
                .SelectMany(n => Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 5_000_000))), n))
                .Select(ws => ws.Select(w => (long)w).ToArray())
                .ToArbitrary();
    }
}
