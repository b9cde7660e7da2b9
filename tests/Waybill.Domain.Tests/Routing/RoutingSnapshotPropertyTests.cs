using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Routing;

namespace Waybill.Domain.Tests.Routing;

/// <summary>
/// Replaying a stored routing problem under any strategy keeps routing's rules: within the stock the attempt saw (shared by
/// its delivery groups, in order) and what the channel's group let it take, never to a rejected or left-out location, at most
/// maxSplits + 1 locations per delivery group, all or nothing when partial routing was not asked, and what it measures adds up.
/// </summary>
public class RoutingSnapshotPropertyTests
{
    private static Arbitrary<int> Seeds() => Gen.Choose(0, int.MaxValue - 1).ToArbitrary();

    private static readonly string[] Codes = ["L0", "L1", "L2", "L3", "L4"];
    private static readonly string[] Skus = ["A", "B", "C"];

    private static RoutingSnapshot Snapshot(Random random)
    {
        var locations = Codes.Take(random.Next(1, Codes.Length + 1)).Select(code => new SnapshotLocation(code,
            random.Next(4) == 0 ? null : random.Next(30, 45), random.Next(4) == 0 ? null : random.Next(-120, -70), random.Next(3),
            Skus.Where(_ => random.Next(3) > 0).ToDictionary(s => s, _ => (long)random.Next(0, 5)))).ToList();
        var groups = new List<SnapshotGroup>();
        var line = 0;
        for (var g = 0; g < random.Next(1, 3); g++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new RoutingLine($"line{line++}", Skus[random.Next(Skus.Length)], random.Next(1, 5))).ToList();
            var pickup = random.Next(5) == 0 ? locations[random.Next(locations.Count)].Code : null;
            var located = random.Next(4) > 0;
            groups.Add(new SnapshotGroup($"g{g}", $"dg{g}", located ? 39.78 : null, located ? -89.65 : null, pickup,
                pickup is null ? [.. locations.Select(l => l.Code)] : [pickup], lines));
        }
        var exclusions = groups.SelectMany(g => g.Lines).Where(_ => random.Next(4) == 0)
            .Select(l => new LineExclusion(l.Key, locations[random.Next(locations.Count)].Code)).ToList();
        var pool = Skus.ToDictionary(s => s, _ => (long)random.Next(0, 12));
        return new RoutingSnapshot(random.Next(0, 3), random.Next(3) > 0, locations, pool, groups, exclusions);
    }

    private static RoutingStrategy Strategy(Random random) => random.Next(4) switch
    {
        0 => RoutingStrategy.AsRecorded,
        1 => RoutingStrategy.Create(random.Next(0, 3), null, null, null, null),
        2 => RoutingStrategy.Create(null, "cost", Codes.Where(_ => random.Next(2) == 0).ToDictionary(c => c, _ => (decimal)random.Next(0, 20)), random.Next(0, 20), null),
        _ => RoutingStrategy.Create(null, "distance", null, null, [Codes[random.Next(Codes.Length)]]),
    };

    [Property(MaxTest = 3000)]
    public Property A_replay_keeps_routing_rules_under_any_strategy() =>
        Prop.ForAll(Seeds(), seed =>
        {
            var random = new Random(seed);
            var snapshot = Snapshot(random);
            var strategy = Strategy(random);
            var route = snapshot.Route(strategy);
            var allocations = route.Allocations();
            var lines = snapshot.Groups.SelectMany(g => g.Lines.Select(l => (Line: l, Group: g))).ToDictionary(x => x.Line.Key);
            var excluded = snapshot.Exclusions.Select(e => (e.LineKey, e.Location)).ToHashSet();
            var maxSplits = strategy.MaxSplits ?? snapshot.MaxSplits;

            var withinLines = lines.Values.All(x => allocations.Where(a => a.LineKey == x.Line.Key).Sum(a => a.Quantity) <= x.Line.Quantity)
                && allocations.All(a => a.Quantity > 0 && lines[a.LineKey].Line.Sku == a.Sku);
            var withinStock = allocations.GroupBy(a => (a.Location, a.Sku))
                .All(g => g.Sum(a => (long)a.Quantity) <= snapshot.Locations.Single(l => l.Code == g.Key.Location).Stock.GetValueOrDefault(g.Key.Sku));
            var withinPool = allocations.Where(a => lines[a.LineKey].Group.PickupLocation is null).GroupBy(a => a.Sku)
                .All(g => g.Sum(a => (long)a.Quantity) <= snapshot.GroupPool.GetValueOrDefault(g.Key));
            var allowed = allocations.All(a => !excluded.Contains((a.LineKey, a.Location)) && !strategy.ExcludedLocations.Contains(a.Location)
                && lines[a.LineKey].Group.Candidates.Contains(a.Location));
            var bounded = allocations.GroupBy(a => lines[a.LineKey].Group.Id).All(g => g.Select(a => a.Location).Distinct().Count() <= maxSplits + 1);
            var wanted = lines.Values.Sum(x => (long)x.Line.Quantity);
            var allocated = allocations.Sum(a => (long)a.Quantity);
            var allOrNothing = snapshot.Partial || allocated == 0 || allocated == wanted;
            var measure = snapshot.Measure(allocations.Select(a => (a.LineKey, a.Location, a.Quantity)));
            var adds = measure.ShortUnits == wanted - allocated
                && measure.Shipments == allocations.Select(a => (lines[a.LineKey].Group.Id, a.Location)).Distinct().Count()
                && (maxSplits > 0 || measure.Splits == 0);
            return (withinLines && withinStock && withinPool && allowed && bounded && allOrNothing && adds)
                .Label($"seed {seed}: lines {withinLines}, stock {withinStock}, pool {withinPool}, allowed {allowed}, bounded {bounded}, all-or-nothing {allOrNothing}, measure {adds}");
        });

    [Property(MaxTest = 1000)]
    public Property A_stored_problem_survives_its_json_and_replays_the_same() =>
        Prop.ForAll(Seeds(), seed =>
        {
            var snapshot = Snapshot(new Random(seed));
            var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
            var stored = System.Text.Json.JsonSerializer.Deserialize<RoutingSnapshot>(System.Text.Json.JsonSerializer.Serialize(snapshot, options), options)!;
            return snapshot.Route().Allocations().SequenceEqual(stored.Route().Allocations()).Label($"seed {seed}");
        });
}
