using Waybill.Domain.Routing;

namespace Waybill.Domain.Tests.Routing;

/// <summary>Random routing problems from a seed, small enough for <see cref="ExhaustiveRouter"/>.</summary>
public static class RoutingInstances
{
    public static RoutingProblem Small(int seed)
    {
        var random = new Random(seed);
        var skus = Enumerable.Range(0, random.Next(1, 5)).Select(s => $"SKU-{s}").ToArray();
        // Lines may repeat a SKU: they then share its stock, which the solver must get right.
        var lines = Enumerable.Range(0, random.Next(1, 7))
            .Select(i => new RoutingLine($"L{i}", skus[random.Next(skus.Length)], random.Next(1, 6)))
            .ToArray();
        var byCost = random.Next(5) == 0;
        var locationCount = random.Next(1, 10);
        var locations = new List<CandidateLocation>();
        for (var j = 0; j < locationCount; j++)
        {
            // Some locations share a spot, so equal distances happen and priority has to decide.
            var spot = random.Next(4) == 0 && j > 0 ? locations[random.Next(j)] : null;
            var stock = skus.Where(_ => random.Next(2) == 0).ToDictionary(s => s, _ => (long)random.Next(0, 6));
            locations.Add(new CandidateLocation($"LOC-{j}",
                spot?.Latitude ?? 30 + random.NextDouble() * 20,
                spot?.Longitude ?? -120 + random.NextDouble() * 50,
                random.Next(0, 4),
                stock,
                byCost || random.Next(3) == 0 ? random.Next(0, 6) : null));
        }
        var exclusions = new List<LineExclusion>();
        foreach (var line in lines)
            foreach (var location in locations)
                if (random.Next(10) == 0) exclusions.Add(new LineExclusion(line.Key, location.Code));
        return RoutingProblem.Create(lines, locations, new GeoPoint(40.7, -74.0), random.Next(0, 4),
            byCost ? RouteRanking.ShipmentCost : RouteRanking.Distance, exclusions);
    }

    /// <summary>
    /// 50 lines in four families of SKUs; every location stocks one family only, and some stock all of it. So every
    /// route needs four locations (one per family), and there are C(500, 4) ≈ 2.6 × 10^9 candidate 4-sets.
    /// </summary>
    public static RoutingProblem FourRegions(int seed, int lineCount = 50, int locationCount = 500, int maxSplits = 3)
    {
        var random = new Random(seed);
        var lines = Enumerable.Range(0, lineCount).Select(i => new RoutingLine($"L{i}", $"F{i % 4}-SKU-{i}", random.Next(1, 3))).ToArray();
        var locations = new List<CandidateLocation>();
        for (var j = 0; j < locationCount; j++)
        {
            var family = j % 4;
            var complete = j < 20;
            var stock = lines.Where(l => l.Sku.StartsWith($"F{family}-", StringComparison.Ordinal) && (complete || random.Next(10) < 7))
                .ToDictionary(l => l.Sku, _ => (long)(complete ? 3 : random.Next(1, 4)));
            locations.Add(new CandidateLocation($"LOC-{j:000}", 25 + random.NextDouble() * 23, -124 + random.NextDouble() * 57,
                random.Next(0, 10), stock));
        }
        return RoutingProblem.Create(lines, locations, new GeoPoint(41.9, -87.6), maxSplits);
    }
}

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
