using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Waybill.Domain.Routing;
using Waybill.Testing;

namespace Waybill.Domain.Tests.Routing;

/// <summary>The solver against an exhaustive search on thousands of random small problems.</summary>
public class RouterPropertyTests
{
    private static Arbitrary<int> Seeds() => Gen.Choose(0, int.MaxValue - 1).ToArbitrary();

    [Property(MaxTest = 4000)]
    public Property The_route_has_the_true_minimum_of_locations_and_the_best_score_among_those() =>
        Prop.ForAll(Seeds(), seed =>
        {
            var problem = RoutingInstances.Small(seed);
            var plan = Router.Plan(problem);
            var reference = ExhaustiveRouter.Solve(problem);
            if (reference is null) return (!plan.Feasible && plan.Allocations.Count == 0 && plan.LocationCount == 0).Label($"seed {seed}: should be infeasible");

            var chosen = plan.Locations.Select(code => problem.Locations.Single(l => l.Code == code)).ToArray();
            var score = problem.Ranking == RouteRanking.Distance
                ? chosen.Sum(l => (long)Math.Round(ExhaustiveRouter.Distance(problem, l) * 1000.0))
                : chosen.Sum(l => (long)(l.ShipmentCost!.Value * 10_000m));
            return (plan.Feasible
                    && plan.LocationCount == reference.Count
                    && score == reference.Score
                    && chosen.Sum(l => (long)l.Priority) == reference.PrioritySum
                    && Math.Abs(plan.AverageDistanceKm!.Value - chosen.Average(l => ExhaustiveRouter.Distance(problem, l))) < 1e-9
                    && plan.Explanation.ProvenOptimal)
                .Label($"seed {seed}: got {plan.LocationCount} locations, score {score}; reference {reference}");
        });

    [Property(MaxTest = 4000)]
    public Property Allocations_ship_every_line_exactly_within_stock_and_exclusions() =>
        Prop.ForAll(Seeds(), seed =>
        {
            var problem = RoutingInstances.Small(seed);
            var plan = Router.Plan(problem);
            if (!plan.Feasible) return true.Label("infeasible");
            var excluded = problem.Exclusions.Select(e => (e.LineKey, e.Location)).ToHashSet();

            var eachLineExact = problem.Lines.All(line => plan.Allocations.Where(a => a.LineKey == line.Key).Sum(a => a.Quantity) == line.Quantity);
            var withinStock = plan.Allocations.GroupBy(a => (a.Location, a.Sku))
                .All(g => g.Sum(a => (long)a.Quantity) <= problem.Locations.Single(l => l.Code == g.Key.Location).StockOf(g.Key.Sku));
            var noExcluded = plan.Allocations.All(a => !excluded.Contains((a.LineKey, a.Location)));
            var onlyChosen = plan.Allocations.All(a => plan.Locations.Contains(a.Location) && a.Quantity > 0);
            var everyChosenShips = plan.Locations.All(code => plan.Allocations.Any(a => a.Location == code));
            return (eachLineExact && withinStock && noExcluded && onlyChosen && everyChosenShips)
                .Label($"seed {seed}: exact {eachLineExact}, stock {withinStock}, exclusions {noExcluded}, chosen only {onlyChosen}, every chosen ships {everyChosenShips}");
        });

    [Property(MaxTest = 4000)]
    public Property A_line_is_split_only_when_no_chosen_location_covers_it() =>
        Prop.ForAll(Seeds(), seed =>
        {
            var problem = RoutingInstances.Small(seed);
            var plan = Router.Plan(problem);
            if (!plan.Feasible) return true.Label("infeasible");
            var excluded = problem.Exclusions.Select(e => (e.LineKey, e.Location)).ToHashSet();
            // A line alone on its SKU: "covers" means the stock as given (with shared SKUs, earlier lines take some first).
            var alone = problem.Lines.Where(l => problem.Lines.Count(o => o.Sku == l.Sku) == 1);
            foreach (var line in alone)
            {
                var places = plan.Allocations.Where(a => a.LineKey == line.Key).Select(a => a.Location).Distinct().ToArray();
                if (places.Length < 2) continue;
                var coverer = plan.Locations.FirstOrDefault(code =>
                    !excluded.Contains((line.Key, code)) && problem.Locations.Single(l => l.Code == code).StockOf(line.Sku) >= line.Quantity);
                if (coverer is not null) return false.Label($"seed {seed}: {line.Key} split over {string.Join(",", places)} though {coverer} covers it");
            }
            return true.Label("ok");
        });

    [Property(MaxTest = 1000)]
    public Property A_line_that_one_chosen_location_covers_goes_to_the_best_ranked_such_location() =>
        Prop.ForAll(Seeds(), seed =>
        {
            var problem = RoutingInstances.Small(seed);
            var plan = Router.Plan(problem);
            if (!plan.Feasible || problem.Exclusions.Count > 0) return true.Label("skipped");
            var first = problem.Lines[0];
            var coverer = plan.Locations.FirstOrDefault(code => problem.Locations.Single(l => l.Code == code).StockOf(first.Sku) >= first.Quantity);
            if (coverer is null) return true.Label("no single coverer");
            var places = plan.Allocations.Where(a => a.LineKey == first.Key).Select(a => a.Location).ToArray();
            return places.SequenceEqual([coverer]).Label($"seed {seed}: {first.Key} went to {string.Join(",", places)}, expected {coverer}");
        });
}

public class RoutingInstancesTests
{
    [Fact]
    public void The_random_problems_exercise_splits_infeasibility_shared_skus_and_cost_ranking()
    {
        var problems = Enumerable.Range(0, 2000).Select(RoutingInstances.Small).ToArray();
        var plans = problems.Select(Router.Plan).ToArray();
        Assert.InRange(plans.Count(p => !p.Feasible), 100, 1900);
        Assert.InRange(plans.Count(p => p.LocationCount >= 2), 200, 2000);
        Assert.InRange(plans.Count(p => p.LocationCount >= 3), 20, 2000);
        Assert.InRange(problems.Count(p => p.Lines.GroupBy(l => l.Sku).Any(g => g.Count() > 1)), 200, 2000);
        Assert.InRange(problems.Count(p => p.Ranking == RouteRanking.ShipmentCost), 200, 2000);
    }
}
