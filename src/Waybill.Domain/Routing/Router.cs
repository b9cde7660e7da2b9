using System.Globalization;

namespace Waybill.Domain.Routing;

/// <summary>
/// Plans a route (domain.md "Routing"): the fewest locations that can ship every line, within <c>maxSplits</c>; among
/// those the lowest average distance (or total shipment cost), then the lowest priority sum, then the set whose
/// locations come first in ranking order. Exact — see <see cref="FewestSplitsSolver"/> — and pure: no I/O, no clock.
/// </summary>
public static class Router
{
    public static RoutePlan Plan(RoutingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var routing = new RoutingInput(problem);
        var verdicts = new Dictionary<int, CandidateVerdict>();

        var useful = new List<int>();
        for (var j = 0; j < problem.Locations.Count; j++)
        {
            var reason = routing.WhyUseless(j);
            if (reason is null) useful.Add(j);
            else verdicts[j] = new CandidateVerdict(problem.Locations[j].Code, CandidateOutcome.Dropped, reason, routing.DistanceKm[j]);
        }
        // Ranking order: score (distance in metres, or cost), then priority, then code — index 0 is the best-ranked.
        var ranked = useful
            .OrderBy(j => routing.Score[j])
            .ThenBy(j => problem.Locations[j].Priority)
            .ThenBy(j => problem.Locations[j].Code, StringComparer.Ordinal)
            .ToArray();

        var shortages = routing.Shortages();
        if (shortages.Count > 0)
        {
            foreach (var j in ranked)
                verdicts[j] = new CandidateVerdict(problem.Locations[j].Code, CandidateOutcome.NotChosen, "no route exists: some line is short of stock", routing.DistanceKm[j]);
            var summary = "No route: " + string.Join("; ", shortages.Select(s =>
                $"line {s.LineKey} ({s.Sku}) needs {s.Quantity}, only {s.Available} available where it may go")) + ".";
            return Infeasible(problem, verdicts, summary, 0, true, shortages);
        }

        var maxLocations = Math.Min(problem.MaxSplits + 1, ranked.Length);
        var model = CoverModelBuilder.Build(routing, ranked, maxLocations);
        var outcome = new FewestSplitsSolver(model, maxLocations, problem.NodeLimit).Solve(1, maxLocations);

        if (outcome.Set is null)
        {
            var reason = outcome.ProvenOptimal
                ? $"no set of at most {maxLocations} location(s) can ship every line"
                : $"the search stopped at its limit of {problem.NodeLimit:N0} nodes before finding a route of {outcome.SearchedUpTo} location(s)";
            foreach (var j in ranked)
                verdicts[j] = new CandidateVerdict(problem.Locations[j].Code, CandidateOutcome.NotChosen, reason, routing.DistanceKm[j]);
            var summary = outcome.ProvenOptimal
                ? $"No route within maxSplits {problem.MaxSplits}: {Char.ToUpperInvariant(reason[0])}{reason[1..]}; more than {problem.MaxSplits + 1} location(s) would be needed."
                : $"No route found: {reason}. The answer is not proven.";
            return Infeasible(problem, verdicts, summary + Considered(problem, ranked.Length, outcome.NodesExplored), outcome.NodesExplored, outcome.ProvenOptimal, []);
        }

        var chosen = outcome.Set.Select(i => ranked[i]).ToArray();
        var allocations = RouteAllocator.Allocate(routing, chosen);
        var averageKm = chosen.Average(j => routing.DistanceKm[j]);
        decimal? totalCost = chosen.All(j => problem.Locations[j].ShipmentCost is not null)
            ? chosen.Sum(j => problem.Locations[j].ShipmentCost!.Value)
            : null;

        for (var n = 0; n < chosen.Length; n++)
        {
            var j = chosen[n];
            var code = problem.Locations[j].Code;
            var units = allocations.Where(a => a.Location == code).Sum(a => (long)a.Quantity);
            verdicts[j] = new CandidateVerdict(code, CandidateOutcome.Chosen,
                string.Create(CultureInfo.InvariantCulture, $"chosen, rank {n + 1} of {chosen.Length}: ships {units} unit(s), {routing.DistanceKm[j]:0.#} km away"),
                routing.DistanceKm[j]);
        }
        var notChosen = outcome.ProvenOptimal
            ? chosen.Length == 1
                ? "not chosen: the chosen location ships everything and ranks better"
                : $"not chosen: no route of fewer than {chosen.Length} locations exists, and the chosen {chosen.Length} rank better together"
            : "not chosen by a search that stopped at its node limit";
        foreach (var j in ranked)
            verdicts.TryAdd(j, new CandidateVerdict(problem.Locations[j].Code, CandidateOutcome.NotChosen, notChosen, routing.DistanceKm[j]));

        var codes = chosen.Select(j => problem.Locations[j].Code).ToArray();
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Routed to {codes.Length} location(s) ({codes.Length - 1} split(s)): {string.Join(", ", codes)}; average distance {averageKm:0.#} km");
        if (problem.Ranking == RouteRanking.ShipmentCost) text += string.Create(CultureInfo.InvariantCulture, $", shipment cost {totalCost}");
        text += outcome.ProvenOptimal
            ? codes.Length == 1 ? ". One location ships everything." : $". Proven: no route of {codes.Length - 1} location(s) ships every line."
            : $". Not proven optimal: the search stopped at its limit of {problem.NodeLimit:N0} nodes.";
        text += Considered(problem, ranked.Length, outcome.NodesExplored);

        var explanation = new RouteExplanation(text, Ordered(problem, verdicts), outcome.NodesExplored, outcome.ProvenOptimal, []);
        return new RoutePlan(true, codes, allocations, averageKm, totalCost, explanation);
    }

    private static string Considered(RoutingProblem problem, int searched, long nodes) =>
        $" {searched} of {problem.Locations.Count} candidate(s) searched ({problem.Locations.Count - searched} dropped before the search); {nodes} search node(s).";

    private static RoutePlan Infeasible(RoutingProblem problem, Dictionary<int, CandidateVerdict> verdicts, string summary,
        long nodes, bool proven, IReadOnlyList<LineShortage> shortages) =>
        new(false, [], [], null, null, new RouteExplanation(summary, Ordered(problem, verdicts), nodes, proven, shortages));

    /// <summary>Verdicts in the order the candidates were given.</summary>
    private static CandidateVerdict[] Ordered(RoutingProblem problem, Dictionary<int, CandidateVerdict> verdicts) =>
        Enumerable.Range(0, problem.Locations.Count).Select(j => verdicts[j]).ToArray();
}
