using Waybill.Domain.Routing;

namespace Waybill.Testing;

/// <summary>The reference: every subset of the candidates, checked by Hall's condition — independent of the solver.</summary>
public static class ExhaustiveRouter
{
    public sealed record Best(int Count, long Score, long PrioritySum, double AverageDistanceKm, decimal Cost);

    /// <summary>The best set by (count, score, priority sum), or null when none of at most maxSplits + 1 locations can ship.</summary>
    public static Best? Solve(RoutingProblem problem)
    {
        var n = problem.Locations.Count;
        Best? best = null;
        for (var mask = 1; mask < 1 << n; mask++)
        {
            var count = System.Numerics.BitOperations.PopCount((uint)mask);
            if (count > problem.MaxSplits + 1 || !CanShip(problem, mask)) continue;
            var members = Enumerable.Range(0, n).Where(j => (mask & (1 << j)) != 0).Select(j => problem.Locations[j]).ToArray();
            var distances = members.Select(l => Distance(problem, l)).ToArray();
            var cost = members.Sum(l => l.ShipmentCost ?? 0m);
            var score = problem.Ranking == RouteRanking.Distance
                ? distances.Sum(d => (long)Math.Round(d * 1000.0))
                : members.Sum(l => (long)(l.ShipmentCost!.Value * 10_000m));
            var candidate = new Best(count, score, members.Sum(l => (long)l.Priority), distances.Average(), cost);
            if (best is null || (candidate.Count, candidate.Score, candidate.PrioritySum).CompareTo((best.Count, best.Score, best.PrioritySum)) < 0)
                best = candidate;
        }
        return best;
    }

    /// <summary>
    /// Gale's theorem for a transport problem: the lines of a SKU can be shipped from the set exactly when every subset of
    /// them needs no more than the stock of the set's locations that at least one of them may use.
    /// </summary>
    public static bool CanShip(RoutingProblem problem, int mask)
    {
        var excluded = problem.Exclusions.Select(e => (e.LineKey, e.Location)).ToHashSet();
        foreach (var group in problem.Lines.GroupBy(l => l.Sku))
        {
            var lines = group.ToArray();
            for (var subset = 1; subset < 1 << lines.Length; subset++)
            {
                long demand = 0, supply = 0;
                for (var i = 0; i < lines.Length; i++)
                    if ((subset & (1 << i)) != 0) demand += lines[i].Quantity;
                for (var j = 0; j < problem.Locations.Count; j++)
                {
                    if ((mask & (1 << j)) == 0) continue;
                    var location = problem.Locations[j];
                    var usable = Enumerable.Range(0, lines.Length).Any(i => (subset & (1 << i)) != 0 && !excluded.Contains((lines[i].Key, location.Code)));
                    if (usable) supply += location.StockOf(group.Key);
                }
                if (supply < demand) return false;
            }
        }
        return true;
    }

    public static double Distance(RoutingProblem problem, CandidateLocation location)
    {
        // Written out again rather than calling Haversine, so the reference does not share the solver's code.
        static double Radians(double degrees) => degrees * Math.PI / 180.0;
        var (lat1, lon1, lat2, lon2) = (Radians(location.Latitude), Radians(location.Longitude), Radians(problem.Destination.Latitude), Radians(problem.Destination.Longitude));
        var h = Math.Pow(Math.Sin((lat2 - lat1) / 2), 2) + Math.Cos(lat1) * Math.Cos(lat2) * Math.Pow(Math.Sin((lon2 - lon1) / 2), 2);
        return 2 * 6371.0 * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
