namespace Waybill.Domain.Routing;

/// <summary>
/// The routing question as covering constraints over the candidates, in ranking order (index 0 is the best-ranked).
/// A row says "the chosen set must hold at least <see cref="Required"/> of this": one row per SKU (its lines' total
/// demand against the stock the lines may use), plus one row per line where lines of one SKU have different
/// exclusions. The rows are necessary conditions; with such lines they are not sufficient, so those SKUs also get a
/// <see cref="SharedSkuLines"/> checked exactly by a max-flow when a set passes every row.
/// </summary>
internal sealed class CoverModel
{
    public required int Candidates { get; init; }
    public required int Rows { get; init; }
    public int Words => (Candidates + 63) >> 6;
    /// <summary>Ranking key per candidate: the objective's primary score and priority folded into one integer (see Router).</summary>
    public required long[] Key { get; init; }
    public required long[] Required { get; init; }
    /// <summary>Stock a candidate brings to a row, capped at the row's requirement: <c>Amount[c * Rows + r]</c>.</summary>
    public required int[] Amount { get; init; }
    /// <summary>Per row, the candidates that bring something, most first.</summary>
    public required int[][] RowByAmount { get; init; }
    /// <summary>Per row, the same candidates as a bit set (bit c = candidate c).</summary>
    public required ulong[][] RowBits { get; init; }
    /// <summary>Per candidate, the rows it brings something to.</summary>
    public required int[][] CandidateRows { get; init; }
    public required SharedSkuLines[] SharedSkus { get; init; }
}

/// <summary>Lines of one SKU with different exclusions: whether a set can ship them all is a small transport problem.</summary>
internal sealed class SharedSkuLines(int skuRow, int[] lines, int[] quantities, long[] stock, bool[] allowed, int candidates)
{
    /// <summary>The SKU's total row: any location that helps these lines brings something to it.</summary>
    public int SkuRow { get; } = skuRow;
    /// <summary>Positions of the lines in the problem.</summary>
    public int[] Lines { get; } = lines;
    public int[] Quantities { get; } = quantities;
    /// <summary>Stock of the SKU per candidate.</summary>
    public long[] Stock { get; } = stock;

    /// <summary>Whether line i (of <see cref="Lines"/>) may go to candidate c.</summary>
    public bool Allows(int i, int c) => allowed[i * candidates + c];

    public bool CanShip(ReadOnlySpan<int> set)
    {
        var places = set.ToArray();
        var flow = TransportFlow.Solve(Quantities, SupplyOf(set), (i, j) => Allows(i, places[j]));
        return flow.Shipped == Quantities.Sum(q => (long)q);
    }

    public long[] SupplyOf(ReadOnlySpan<int> set)
    {
        var supply = new long[set.Length];
        for (var j = 0; j < set.Length; j++) supply[j] = Stock[set[j]];
        return supply;
    }
}

/// <summary>
/// Maximum flow from lines (demand) to locations (supply) over allowed pairs — augmenting paths, found breadth first.
/// Sizes are small (lines of one SKU × locations of one route), so a dense matrix is the simple choice.
/// </summary>
internal static class TransportFlow
{
    public sealed record Result(long Shipped, long[,] Shipments);

    public static Result Solve(int[] demand, long[] supply, Func<int, int, bool> allowed)
    {
        int lines = demand.Length, places = supply.Length;
        var shipments = new long[lines, places];
        var lineLeft = demand.Select(d => (long)d).ToArray();
        var placeLeft = (long[])supply.Clone();
        long shipped = 0;
        // Nodes: lines 0..lines-1, places lines..lines+places-1. A path alternates line → place (allowed) and place → line
        // (undoing an earlier shipment), starting at a line with demand left and ending at a place with supply left.
        var previous = new int[lines + places];
        var queue = new Queue<int>();
        while (true)
        {
            Array.Fill(previous, -2);
            queue.Clear();
            for (var i = 0; i < lines; i++)
                if (lineLeft[i] > 0) { previous[i] = -1; queue.Enqueue(i); }
            var end = -1;
            while (queue.Count > 0 && end < 0)
            {
                var node = queue.Dequeue();
                if (node < lines)
                {
                    for (var j = 0; j < places; j++)
                    {
                        var place = lines + j;
                        if (previous[place] != -2 || !allowed(node, j)) continue;
                        previous[place] = node;
                        if (placeLeft[j] > 0) { end = place; break; }
                        queue.Enqueue(place);
                    }
                }
                else
                {
                    var j = node - lines;
                    for (var i = 0; i < lines; i++)
                    {
                        if (previous[i] != -2 || shipments[i, j] == 0) continue;
                        previous[i] = node;
                        queue.Enqueue(i);
                    }
                }
            }
            if (end < 0) return new Result(shipped, shipments);

            // The bottleneck along the path, then push it.
            var amount = placeLeft[end - lines];
            var at = end;
            while (true)
            {
                var from = previous[at];
                if (from == -1) { amount = Math.Min(amount, lineLeft[at]); break; }
                if (at < lines) amount = Math.Min(amount, shipments[at, from - lines]);
                at = from;
            }
            at = end;
            placeLeft[end - lines] -= amount;
            while (true)
            {
                var from = previous[at];
                if (from == -1) { lineLeft[at] -= amount; break; }
                if (at >= lines) shipments[from, at - lines] += amount;
                else shipments[at, from - lines] -= amount;
                at = from;
            }
            shipped += amount;
        }
    }
}
