namespace Waybill.Domain.Routing;

/// <summary>What the router derives from a problem before searching: distances, scores, exclusions, lines by SKU.</summary>
internal sealed class RoutingInput
{
    private readonly HashSet<(string LineKey, string Location)> _excluded;

    public RoutingInput(RoutingProblem problem)
    {
        Problem = problem;
        _excluded = problem.Exclusions.Select(e => (e.LineKey, e.Location)).ToHashSet();
        DistanceKm = problem.Locations
            .Select(l => Haversine.DistanceKm(new GeoPoint(l.Latitude, l.Longitude), problem.Destination))
            .ToArray();
        // Whole metres (or ten-thousandths of the cost): sums are exact, so equal routes tie exactly and priority decides.
        Score = problem.Ranking == RouteRanking.Distance
            ? DistanceKm.Select(km => (long)Math.Round(km * 1000.0)).ToArray()
            : problem.Locations.Select(l => (long)Math.Round(l.ShipmentCost!.Value * 10_000m)).ToArray();
        SkuLines = problem.Lines
            .Select((line, i) => (line.Sku, i))
            .GroupBy(x => x.Sku, StringComparer.Ordinal)
            .Select(g => g.Select(x => x.i).ToArray())
            .ToArray();
        _groupOfLine = new int[problem.Lines.Count];
        var groupOfSku = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var g = 0; g < SkuLines.Length; g++)
        {
            groupOfSku[problem.Lines[SkuLines[g][0]].Sku] = g;
            foreach (var i in SkuLines[g]) _groupOfLine[i] = g;
        }
        // Stock read once into a matrix: the search and its preparation look it up lines × locations times over.
        _stock = new long[problem.Locations.Count * SkuLines.Length];
        for (var j = 0; j < problem.Locations.Count; j++)
        {
            var stock = problem.Locations[j].Stock;
            var row = j * SkuLines.Length;
            if (stock.Count <= SkuLines.Length)
            {
                foreach (var (sku, quantity) in stock)
                    if (groupOfSku.TryGetValue(sku, out var g)) _stock[row + g] = Math.Max(0, quantity);
            }
            else
            {
                foreach (var (sku, g) in groupOfSku)
                    if (stock.TryGetValue(sku, out var quantity)) _stock[row + g] = Math.Max(0, quantity);
            }
        }
    }

    private readonly int[] _groupOfLine;
    private readonly long[] _stock;

    public RoutingProblem Problem { get; }
    public double[] DistanceKm { get; }
    public long[] Score { get; }
    /// <summary>Positions of the lines, grouped by SKU (groups in order of first appearance).</summary>
    public int[][] SkuLines { get; }
    public bool HasExclusions => _excluded.Count > 0;

    public bool Allows(int line, int location) =>
        _excluded.Count == 0 || !_excluded.Contains((Problem.Lines[line].Key, Problem.Locations[location].Code));

    /// <summary>Whether at least one of these lines may go to the location.</summary>
    public bool AllowsAny(int[] lines, int location)
    {
        if (_excluded.Count == 0) return true;
        foreach (var i in lines)
            if (Allows(i, location)) return true;
        return false;
    }

    /// <summary>Stock of the line's SKU at the location (never negative).</summary>
    public long Stock(int line, int location) => _stock[location * SkuLines.Length + _groupOfLine[line]];

    /// <summary>Why a candidate cannot help any line, or null when it can.</summary>
    public string? WhyUseless(int location)
    {
        var stocksSome = false;
        for (var i = 0; i < Problem.Lines.Count; i++)
        {
            if (Stock(i, location) <= 0) continue;
            if (Allows(i, location)) return null;
            stocksSome = true;
        }
        return stocksSome ? "excluded for every line it has stock of" : "no stock of any line";
    }

    /// <summary>Lines that no route can ship whatever its size: too little stock where they may go.</summary>
    public IReadOnlyList<LineShortage> Shortages()
    {
        var shortages = new List<LineShortage>();
        var locations = Problem.Locations.Count;
        foreach (var group in SkuLines)
        {
            var groupShort = new List<LineShortage>();
            long demand = 0, usable = 0;
            foreach (var i in group)
            {
                var line = Problem.Lines[i];
                demand += line.Quantity;
                long available = 0;
                for (var j = 0; j < locations; j++)
                    if (Allows(i, j)) available += Stock(i, j);
                if (available < line.Quantity) groupShort.Add(new LineShortage(line.Key, line.Sku, line.Quantity, available));
            }
            for (var j = 0; j < locations; j++)
                if (AllowsAny(group, j)) usable += Stock(group[0], j);
            // Each line may be coverable alone while the SKU's lines together are not: they share the stock.
            if (groupShort.Count == 0 && usable < demand)
                groupShort.AddRange(group.Select(i => new LineShortage(Problem.Lines[i].Key, Problem.Lines[i].Sku, Problem.Lines[i].Quantity, usable)));
            shortages.AddRange(groupShort);
        }
        return shortages;
    }
}
