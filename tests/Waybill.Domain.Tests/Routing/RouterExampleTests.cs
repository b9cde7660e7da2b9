using System.Diagnostics;
using Waybill.Domain.Common;
using Waybill.Domain.Routing;
using Waybill.Testing;

namespace Waybill.Domain.Tests.Routing;

public class RouterExampleTests
{
    private static readonly GeoPoint Boston = new(42.36, -71.06);

    private static CandidateLocation At(string code, double latitude, double longitude, params (string Sku, long Quantity)[] stock) =>
        new(code, latitude, longitude, 0, stock.ToDictionary(s => s.Sku, s => s.Quantity));

    private static RoutingLine Line(string sku, int quantity) => new(sku, sku, quantity);

    [Fact]
    public void Three_lines_from_three_warehouses_and_a_store_take_the_true_minimum_nearest_first()
    {
        var problem = RoutingProblem.Create(
            [Line("A", 2), Line("B", 1), Line("C", 3)],
            [
                At("WH-NJ", 40.73, -74.17, ("A", 2), ("B", 1)),
                At("WH-TX", 32.78, -96.80, ("B", 1), ("C", 3)),
                At("WH-CA", 34.05, -118.24, ("A", 2), ("C", 3)),
                At("STORE-BOS", 42.35, -71.07, ("A", 2)),
            ],
            Boston, maxSplits: 3);

        var plan = Router.Plan(problem);

        Assert.True(plan.Feasible);
        // No location has all three; of the pairs that do, the Boston store with Dallas is nearest on average.
        Assert.Equal(["STORE-BOS", "WH-TX"], plan.Locations);
        Assert.Equal(1, plan.Splits);
        Assert.Equal(
            [new RouteAllocation("A", "A", "STORE-BOS", 2), new RouteAllocation("B", "B", "WH-TX", 1), new RouteAllocation("C", "C", "WH-TX", 3)],
            plan.Allocations);
        Assert.True(plan.Explanation.ProvenOptimal);
        Assert.Equal(CandidateOutcome.NotChosen, plan.Explanation.Candidates.Single(c => c.Location == "WH-NJ").Outcome);
        Assert.Contains("Proven", plan.Explanation.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_greedy_largest_coverage_first_takes_three_locations_the_solver_takes_two()
    {
        // Greedy starts with BIG (four of six SKUs) and then needs two more for S3 and S6; LEFT + RIGHT cover all six.
        var lines = Enumerable.Range(1, 6).Select(i => Line($"S{i}", 1)).ToArray();
        var problem = RoutingProblem.Create(lines,
            [
                At("BIG", 42.0, -71.0, ("S1", 1), ("S2", 1), ("S4", 1), ("S5", 1)),
                At("LEFT", 45.0, -100.0, ("S1", 1), ("S2", 1), ("S3", 1)),
                At("RIGHT", 45.0, -101.0, ("S4", 1), ("S5", 1), ("S6", 1)),
            ],
            Boston, maxSplits: 3);

        var plan = Router.Plan(problem);

        Assert.Equal(["LEFT", "RIGHT"], plan.Locations.Order());
        Assert.Equal(CandidateOutcome.NotChosen, plan.Explanation.Candidates.Single(c => c.Location == "BIG").Outcome);
    }

    [Fact]
    public void Max_splits_zero_with_no_single_location_covering_is_infeasible_and_says_why()
    {
        var problem = RoutingProblem.Create([Line("A", 1), Line("B", 1)],
            [At("WH1", 40, -74, ("A", 5)), At("WH2", 41, -75, ("B", 5)), At("EMPTY", 41, -75, ("Z", 5))],
            Boston, maxSplits: 0);

        var plan = Router.Plan(problem);

        Assert.False(plan.Feasible);
        Assert.Empty(plan.Locations);
        Assert.Empty(plan.Allocations);
        Assert.Equal(0, plan.Splits);
        Assert.Null(plan.AverageDistanceKm);
        Assert.Contains("maxSplits 0", plan.Explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("more than 1 location", plan.Explanation.Summary, StringComparison.Ordinal);
        var empty = plan.Explanation.Candidates.Single(c => c.Location == "EMPTY");
        Assert.Equal((CandidateOutcome.Dropped, "no stock of any line"), (empty.Outcome, empty.Reason));
    }

    [Fact]
    public void Too_little_stock_anywhere_names_the_short_line()
    {
        var problem = RoutingProblem.Create([Line("A", 4), Line("B", 1)],
            [At("WH1", 40, -74, ("A", 1), ("B", 1)), At("WH2", 41, -75, ("A", 2))], Boston, maxSplits: 3);

        var plan = Router.Plan(problem);

        Assert.False(plan.Feasible);
        Assert.Equal([new LineShortage("A", "A", 4, 3)], plan.Explanation.ShortLines);
        Assert.Contains("line A (A) needs 4, only 3 available", plan.Explanation.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_distances_are_broken_by_priority()
    {
        var problem = RoutingProblem.Create([Line("A", 1)],
            [
                new CandidateLocation("SECOND", 40, -74, 5, new Dictionary<string, long> { ["A"] = 3 }),
                new CandidateLocation("FIRST", 40, -74, 1, new Dictionary<string, long> { ["A"] = 3 }),
            ],
            Boston, maxSplits: 0);

        Assert.Equal(["FIRST"], Router.Plan(problem).Locations);
    }

    [Fact]
    public void A_per_shipment_cost_replaces_distance()
    {
        var near = new CandidateLocation("NEAR", 42.3, -71.0, 0, new Dictionary<string, long> { ["A"] = 3 }, ShipmentCost: 9.50m);
        var far = new CandidateLocation("FAR", 34.0, -118.2, 0, new Dictionary<string, long> { ["A"] = 3 }, ShipmentCost: 4.25m);

        Assert.Equal(["NEAR"], Router.Plan(RoutingProblem.Create([Line("A", 1)], [near, far], Boston, 0)).Locations);
        var byCost = Router.Plan(RoutingProblem.Create([Line("A", 1)], [near, far], Boston, 0, RouteRanking.ShipmentCost));
        Assert.Equal(["FAR"], byCost.Locations);
        Assert.Equal(4.25m, byCost.TotalShipmentCost);
    }

    [Fact]
    public void A_line_is_never_offered_to_a_location_that_rejected_it()
    {
        var problem = RoutingProblem.Create([Line("A", 1), Line("B", 1)],
            [At("NEAR", 42.3, -71.0, ("A", 5), ("B", 5)), At("FAR", 34.0, -118.2, ("A", 5))],
            Boston, maxSplits: 3, exclusions: [new LineExclusion("A", "NEAR")]);

        var plan = Router.Plan(problem);

        Assert.Equal(["NEAR", "FAR"], plan.Locations);
        Assert.Equal([new RouteAllocation("A", "A", "FAR", 1), new RouteAllocation("B", "B", "NEAR", 1)], plan.Allocations);
    }

    [Fact]
    public void Two_lines_of_one_sku_with_different_exclusions_share_its_stock_correctly()
    {
        // L1 may only use WH2; L2 may use both. Serving L1 first from WH2 would leave L2 enough at WH1 — but the flow
        // check is what guarantees it in general.
        var problem = RoutingProblem.Create(
            [new RoutingLine("L1", "A", 2), new RoutingLine("L2", "A", 2)],
            [At("WH1", 42.3, -71.0, ("A", 2)), At("WH2", 40.7, -74.0, ("A", 2))],
            Boston, maxSplits: 1, exclusions: [new LineExclusion("L1", "WH1")]);

        var plan = Router.Plan(problem);

        Assert.Equal([new RouteAllocation("L1", "A", "WH2", 2), new RouteAllocation("L2", "A", "WH1", 2)], plan.Allocations);
    }

    [Fact]
    public void Bad_input_names_every_field()
    {
        var error = Assert.Throws<DomainValidationException>(() => RoutingProblem.Create(
            [new RoutingLine("L1", "A", 0), new RoutingLine("L1", "", 1)],
            [
                new CandidateLocation("WH1", 91, 0, 0, new Dictionary<string, long> { ["A"] = -1 }),
                new CandidateLocation("WH1", 0, 0, -1, new Dictionary<string, long>()),
            ],
            new GeoPoint(0, 200), maxSplits: -1));

        Assert.Equal(
            new[] { "destination.longitude", "lines[0].quantity", "lines[1].key", "lines[1].sku", "locations[0].latitude",
                "locations[0].stock.A", "locations[1].code", "locations[1].priority", "maxSplits" },
            error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Fifty_lines_over_five_hundred_locations_needing_four_are_solved_and_proven()
    {
        var problem = RoutingInstances.FourRegions(seed: 7);
        var watch = Stopwatch.StartNew();

        var plan = Router.Plan(problem);

        watch.Stop();
        Assert.True(plan.Feasible);
        Assert.Equal(4, plan.LocationCount);
        Assert.True(plan.Explanation.ProvenOptimal);
        Assert.Equal(500, plan.Explanation.Candidates.Count);
        // One location per family of SKUs.
        var families = plan.Locations.Select(code => int.Parse(code[4..], System.Globalization.CultureInfo.InvariantCulture) % 4).Order();
        Assert.Equal([0, 1, 2, 3], families);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void The_same_with_three_splits_allowed_but_only_two_is_infeasible_and_proven()
    {
        var plan = Router.Plan(RoutingInstances.FourRegions(seed: 8, maxSplits: 2));

        Assert.False(plan.Feasible);
        Assert.True(plan.Explanation.ProvenOptimal);
        Assert.True(plan.Explanation.NodesExplored < 100, $"{plan.Explanation.NodesExplored} nodes");
    }

    [Fact]
    public void Hitting_the_node_limit_is_reported_not_hidden()
    {
        var problem = RoutingInstances.FourRegions(seed: 9);
        var limited = RoutingProblem.Create(problem.Lines, problem.Locations, problem.Destination, problem.MaxSplits, nodeLimit: 3);

        var plan = Router.Plan(limited);

        Assert.False(plan.Explanation.ProvenOptimal);
        Assert.Contains("limit", plan.Explanation.Summary, StringComparison.Ordinal);
    }
}
