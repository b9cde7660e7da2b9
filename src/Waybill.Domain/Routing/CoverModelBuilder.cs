namespace Waybill.Domain.Routing;

/// <summary>Turns the lines and the ranked candidates into <see cref="CoverModel"/> rows.</summary>
internal static class CoverModelBuilder
{
    public static CoverModel Build(RoutingInput input, int[] ranked, int maxLocations)
    {
        var problem = input.Problem;
        var n = ranked.Length;
        var required = new List<long>();
        var amounts = new List<int[]>();
        var shared = new List<SharedSkuLines>();

        foreach (var group in input.SkuLines)
        {
            var demand = group.Sum(i => (long)problem.Lines[i].Quantity);
            var skuRow = required.Count;
            required.Add(demand);
            var skuAmounts = new int[n];
            for (var c = 0; c < n; c++)
                if (input.AllowsAny(group, ranked[c])) skuAmounts[c] = Cap(input.Stock(group[0], ranked[c]), demand);
            amounts.Add(skuAmounts);
            if (group.Length == 1 || !input.HasExclusions || !ExclusionsDiffer(input, group, ranked)) continue;

            // Lines of one SKU that may go to different places: a row per line, and an exact check of the whole.
            var allowed = new bool[group.Length * n];
            for (var g = 0; g < group.Length; g++)
            {
                var quantity = problem.Lines[group[g]].Quantity;
                required.Add(quantity);
                amounts.Add(ranked.Select(j => input.Allows(group[g], j) ? Cap(input.Stock(group[g], j), quantity) : 0).ToArray());
                for (var c = 0; c < n; c++) allowed[g * n + c] = input.Allows(group[g], ranked[c]);
            }
            shared.Add(new SharedSkuLines(skuRow, group, group.Select(i => problem.Lines[i].Quantity).ToArray(),
                ranked.Select(j => Math.Max(0, input.Stock(group[0], j))).ToArray(), allowed, n));
        }

        var rows = required.Count;
        var amount = new int[n * rows];
        var words = (n + 63) >> 6;
        var rowBits = new ulong[rows][];
        var rowByAmount = new int[rows][];
        var rowsOfCandidate = new List<int>[n];
        for (var c = 0; c < n; c++) rowsOfCandidate[c] = [];
        for (var r = 0; r < rows; r++)
        {
            rowBits[r] = new ulong[words];
            var row = amounts[r];
            var helping = new List<int>();
            for (var c = 0; c < n; c++)
            {
                if (row[c] <= 0) continue;
                amount[c * rows + r] = row[c];
                rowBits[r][c >> 6] |= 1UL << (c & 63);
                rowsOfCandidate[c].Add(r);
                helping.Add(c);
            }
            // Most stock first; among equals, the better-ranked first.
            helping.Sort((a, b) => row[a] != row[b] ? row[b].CompareTo(row[a]) : a.CompareTo(b));
            rowByAmount[r] = [.. helping];
        }
        var candidateRows = Array.ConvertAll(rowsOfCandidate, list => list.ToArray());

        return new CoverModel
        {
            Candidates = n,
            Rows = rows,
            Key = Keys(input, ranked, maxLocations),
            Required = required.ToArray(),
            Amount = amount,
            RowByAmount = rowByAmount,
            RowBits = rowBits,
            CandidateRows = candidateRows,
            SharedSkus = shared.ToArray(),
        };
    }

    /// <summary>
    /// Score and priority folded into one integer per candidate, so that comparing key sums of equally large sets compares
    /// (score sum, priority sum) lexicographically: the priority part of a k-set's sum is below the multiplier.
    /// Bounded by validation (score ≤ 10^9, priority ≤ 10^6, k ≤ 21), so it cannot overflow.
    /// </summary>
    private static long[] Keys(RoutingInput input, int[] ranked, int maxLocations)
    {
        if (ranked.Length == 0) return [];
        var priorities = ranked.Select(j => (long)input.Problem.Locations[j].Priority).ToArray();
        long lowest = priorities.Min(), spread = priorities.Max() - lowest;
        var multiplier = checked(maxLocations * spread + 1);
        return ranked.Select((j, c) => checked(input.Score[j] * multiplier + priorities[c] - lowest)).ToArray();
    }

    /// <summary>A candidate's stock beyond the row's need changes nothing about covering it; capping keeps sums small.</summary>
    private static int Cap(long stock, long required) => (int)Math.Clamp(stock, 0, required);

    private static bool ExclusionsDiffer(RoutingInput input, int[] group, int[] ranked) =>
        ranked.Any(j => group.Any(i => input.Allows(i, j)) && group.Any(i => !input.Allows(i, j)));
}
