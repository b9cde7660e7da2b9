using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Orders;

namespace Waybill.Domain.Tests.Orders;

public class UnitRangesTests
{
    [Fact]
    public void Takes_the_highest_free_units_below_the_bound_and_prints_as_runs()
    {
        var set = UnitRanges.Parse("2+1");
        var (taken, after) = set.TakeFromBack(5, 3);
        Assert.Equal([new UnitRun(3, 2), new UnitRun(1, 1)], taken);
        Assert.Equal("1+4", after.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => after.TakeFromBack(5, 2));
        Assert.Equal("", UnitRanges.Empty.ToString());
    }

    [Property(MaxTest = 500)]
    public Property Taking_from_the_back_takes_the_highest_free_units_each_once() =>
        Prop.ForAll(Gen.Choose(1, 40).ToArbitrary(), ArbMap.Default.ArbFor<int>(), (size, seed) =>
        {
            var random = new Random(seed);
            var set = UnitRanges.Empty;
            var model = new SortedSet<int>();
            var below = 0;
            while (model.Count < size)
            {
                below = Math.Min(size, below + random.Next(0, 4));
                var free = Enumerable.Range(0, below).Where(u => !model.Contains(u)).ToList();
                if (free.Count == 0) continue;
                var count = random.Next(1, free.Count + 1);
                var (taken, after) = set.TakeFromBack(below, count);
                var expected = free.OrderDescending().Take(count).ToHashSet();
                var got = taken.SelectMany(r => Enumerable.Range(r.First, r.Count)).ToList();
                if (got.Count != count || !expected.SetEquals(got)) return false.Label($"took {string.Join(",", got)} of {string.Join(",", free)}");
                model.UnionWith(got);
                set = UnitRanges.Parse(after.ToString());
                if (set.Count != model.Count || !Enumerable.Range(0, size).All(u => set.Contains(u) == model.Contains(u)))
                    return false.Label($"set {set} against {string.Join(",", model)}");
            }
            return true.ToProperty();
        });
}
