namespace Waybill.Domain.Routing;

/// <summary>
/// Who ships what within the chosen set (domain.md rule 3): a line goes whole to the best-ranked location that can
/// cover it; only when none can is it split, best-ranked first. Lines are served in order against shared stock.
/// </summary>
internal static class RouteAllocator
{
    /// <param name="chosen">Problem positions of the chosen locations, in ranking order.</param>
    public static IReadOnlyList<RouteAllocation> Allocate(RoutingInput input, int[] chosen)
    {
        var problem = input.Problem;
        var remaining = new Dictionary<(string Sku, int Location), long>();
        long Left(int line, int j) => remaining.TryGetValue((problem.Lines[line].Sku, j), out var left) ? left : Math.Max(0, input.Stock(line, j));

        var shipped = new List<(int Line, int Location, int Quantity)>();
        var shortSkus = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < problem.Lines.Count; i++)
        {
            var line = problem.Lines[i];
            var places = chosen.Where(j => input.Allows(i, j)).ToArray();
            var whole = places.Where(j => Left(i, j) >= line.Quantity).Cast<int?>().FirstOrDefault();
            long toShip = line.Quantity;
            foreach (var j in whole is { } one ? [one] : places)
            {
                var quantity = Math.Min(toShip, Left(i, j));
                if (quantity <= 0) continue;
                remaining[(line.Sku, j)] = Left(i, j) - quantity;
                shipped.Add((i, j, (int)quantity));
                toShip -= quantity;
                if (toShip == 0) break;
            }
            if (toShip > 0) shortSkus.Add(line.Sku);
        }

        // Serving lines in order can strand a later line of the same SKU whose only allowed place an earlier line took.
        // The chosen set can ship them all (the solver checked the flow), so those SKUs are allocated by the flow itself.
        if (shortSkus.Count > 0)
        {
            shipped.RemoveAll(s => shortSkus.Contains(problem.Lines[s.Line].Sku));
            foreach (var group in input.SkuLines.Where(g => shortSkus.Contains(problem.Lines[g[0]].Sku)))
            {
                var supply = chosen.Select(j => Math.Max(0, input.Stock(group[0], j))).ToArray();
                var flow = TransportFlow.Solve(group.Select(i => problem.Lines[i].Quantity).ToArray(), supply,
                    (g, c) => input.Allows(group[g], chosen[c]));
                for (var g = 0; g < group.Length; g++)
                    for (var c = 0; c < chosen.Length; c++)
                        if (flow.Shipments[g, c] > 0) shipped.Add((group[g], chosen[c], (int)flow.Shipments[g, c]));
            }
        }

        var rank = chosen.Select((j, n) => (j, n)).ToDictionary(x => x.j, x => x.n);
        return shipped
            .OrderBy(s => s.Line).ThenBy(s => rank[s.Location])
            .Select(s => new RouteAllocation(problem.Lines[s.Line].Key, problem.Lines[s.Line].Sku, problem.Locations[s.Location].Code, s.Quantity))
            .ToArray();
    }
}
