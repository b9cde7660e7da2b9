using Waybill.Domain.Routing;

namespace Waybill.Testing;

/// <summary>
/// Random routing problems from a seed: small ones for the exhaustive reference, realistic ones for the benchmark, and
/// a large one with a known minimum. Shared by the domain tests and the bench (compiled into both).
/// </summary>
public static class RoutingInstances
{
    /// <summary>1–6 lines (SKUs may repeat), 1–9 locations, stock 0–5, maxSplits 0–3, some exclusions: exhaustive search is cheap.</summary>
    public static RoutingProblem Small(int seed) => Small(seed, maxLines: 6, maxLocations: 9);

    public static RoutingProblem Small(int seed, int maxLines, int maxLocations)
    {
        var random = new Random(seed);
        var skus = Enumerable.Range(0, random.Next(1, 5)).Select(s => $"SKU-{s}").ToArray();
        // Lines may repeat a SKU: they then share its stock, which the solver must get right.
        var lines = Enumerable.Range(0, random.Next(1, maxLines + 1))
            .Select(i => new RoutingLine($"L{i}", skus[random.Next(skus.Length)], random.Next(1, 6)))
            .ToArray();
        var byCost = random.Next(5) == 0;
        var locationCount = random.Next(1, maxLocations + 1);
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

    /// <summary>
    /// What an order and a network look like: a few large warehouses (one in twenty locations) that stock most SKUs,
    /// many stores that stock a few, a long tail of SKUs (one in five) kept in one or two of the first three (national) warehouses, quantities of 1–3 against stock of 1–12, maxSplits 3.
    /// </summary>
    public static RoutingProblem Realistic(int seed, int lineCount, int locationCount, int maxSplits = 3)
    {
        var random = new Random(seed);
        var lines = Enumerable.Range(0, lineCount).Select(i => new RoutingLine($"L{i}", $"SKU-{seed}-{i}", random.Next(1, 4))).ToArray();
        var warehouses = Math.Max(1, locationCount / 20);
        var stocks = Enumerable.Range(0, locationCount).Select(_ => new Dictionary<string, long>()).ToArray();
        foreach (var line in lines)
        {
            // The long tail is kept in one or two national warehouses (and sometimes a store); the rest is widely stocked.
            if (random.Next(5) == 0)
            {
                for (var n = random.Next(1, 3); n > 0; n--) stocks[random.Next(Math.Min(3, warehouses))][line.Sku] = random.Next(1, 13);
                if (random.Next(3) == 0) stocks[random.Next(locationCount)][line.Sku] = random.Next(1, 13);
                continue;
            }
            for (var j = 0; j < locationCount; j++)
            {
                var share = j < warehouses ? 0.85 : 0.15;
                if (random.NextDouble() < share) stocks[j][line.Sku] = random.Next(1, 13);
            }
        }
        var locations = Enumerable.Range(0, locationCount).Select(j => new CandidateLocation(
            j < warehouses ? $"WH-{j:000}" : $"ST-{j:000}",
            25 + random.NextDouble() * 23, -124 + random.NextDouble() * 57,
            j < warehouses ? 0 : random.Next(1, 5), stocks[j])).ToArray();
        var destination = new GeoPoint(25 + random.NextDouble() * 23, -124 + random.NextDouble() * 57);
        return RoutingProblem.Create(lines, locations, destination, maxSplits);
    }
}
