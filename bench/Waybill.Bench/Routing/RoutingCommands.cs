using System.CommandLine;
using System.Diagnostics;
using BenchmarkDotNet.Running;
using Waybill.Domain.Routing;
using Waybill.Testing;

namespace Waybill.Bench.Routing;

/// <summary><c>routing</c>: solver latency over the lines × locations grid. <c>routing-check</c>: optimality against exhaustive search.</summary>
public static class RoutingCommands
{
    public static IEnumerable<Command> Create()
    {
        var iterations = new Option<int>("--iterations") { Description = "Measured solves per cell (P99 wants a few hundred).", DefaultValueFactory = _ => 300 };
        var filter = new Option<string?>("--filter") { Description = "BenchmarkDotNet filter, e.g. '*' (default: the whole grid)." };
        var routing = new Command("routing", "Solver latency (BenchmarkDotNet): 10/50/100 lines × 10/100/500 locations, maxSplits 3; P50 and P99 of single solves.")
        {
            iterations, filter,
        };
        routing.SetAction(parseResult =>
        {
            var args = parseResult.GetValue(filter) is { } f ? new[] { "--filter", f } : [];
            BenchmarkSwitcher.FromTypes([typeof(RoutingBenchmarks)]).Run(args.Length == 0 ? ["--filter", "*"] : args,
                RoutingBenchmarkConfig.Create(parseResult.GetValue(iterations)));
            return 0;
        });

        var instances = new Option<int>("--instances") { Description = "Random problems to solve and check.", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "First seed; problem i uses seed + i.", DefaultValueFactory = _ => 1 };
        var check = new Command("routing-check", "Solve random problems (up to 8 lines × 12 locations) and compare with exhaustive search; prints the agreement.")
        {
            instances, seed,
        };
        check.SetAction(parseResult => Check(parseResult.GetValue(instances), parseResult.GetValue(seed)));
        return [routing, check];
    }

    private static int Check(int count, int firstSeed)
    {
        var watch = Stopwatch.StartNew();
        int agree = 0, feasible = 0;
        var disagreements = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var problem = RoutingInstances.Small(firstSeed + i, maxLines: 8, maxLocations: 12);
            var plan = Router.Plan(problem);
            var reference = ExhaustiveRouter.Solve(problem);
            var same = reference is null
                ? !plan.Feasible
                : plan.Feasible && plan.Explanation.ProvenOptimal && plan.LocationCount == reference.Count
                  && ScoreOf(problem, plan) == (reference.Score, reference.PrioritySum);
            if (same) agree++;
            else if (disagreements.Count < 10) disagreements.Add($"seed {firstSeed + i}: solver {plan.LocationCount} locations, reference {reference}");
            if (reference is not null) feasible++;
        }
        Console.WriteLine($"routing-check: {agree} of {count} problems agree with exhaustive search ({100.0 * agree / count:0.###}%); " +
                          $"{feasible} feasible; {watch.Elapsed.TotalSeconds:0.0} s.");
        foreach (var line in disagreements) Console.WriteLine("  " + line);
        return agree == count ? 0 : 1;
    }

    private static (long Score, long PrioritySum) ScoreOf(RoutingProblem problem, RoutePlan plan)
    {
        var chosen = plan.Locations.Select(code => problem.Locations.Single(l => l.Code == code)).ToArray();
        var score = problem.Ranking == RouteRanking.Distance
            ? chosen.Sum(l => (long)Math.Round(ExhaustiveRouter.Distance(problem, l) * 1000.0))
            : chosen.Sum(l => (long)(l.ShipmentCost!.Value * 10_000m));
        return (score, chosen.Sum(l => (long)l.Priority));
    }
}
