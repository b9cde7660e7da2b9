using System.Numerics;

namespace Waybill.Domain.Routing;

/// <summary>
/// Exact branch and bound for the fewest-locations route. For k = 1, 2, … it searches the k-sets of candidates and stops
/// at the first k that has a feasible one, keeping the set with the lowest key sum (distance or cost, then priority),
/// then the one whose locations come first in ranking order.
/// </summary>
/// <remarks>
/// Branching is on a row (a SKU) still short: every feasible completion must add a candidate that brings stock to it.
/// Child i adds the row's i-th candidate (in ranking order) and bars candidates 1..i−1 from the subtree, so each set is
/// reached once. Bounds at a node with r places left, over candidates still allowed:
/// <list type="bullet">
/// <item>each short row needs its deficit from at most r candidates (its largest amounts first);</item>
/// <item>rows that share no allowed candidate need separate candidates: the sum of their needs must fit in r — this
/// is what proves "no k-set" quickly when SKUs live in different places;</item>
/// <item>key: what is chosen, plus the cheapest candidates of those separate rows, plus the cheapest of the rest.</item>
/// </list>
/// Siblings are tried in ranking order, so their key bounds only grow: the first one over the best stops the loop.
/// The only limit is a node budget, and hitting it is reported (<see cref="Outcome.ProvenOptimal"/> false), never hidden.
/// </remarks>
internal sealed class FewestSplitsSolver
{
    public sealed record Outcome(int[]? Set, long NodesExplored, bool ProvenOptimal, int SearchedUpTo);

    private readonly CoverModel _model;
    private readonly long _nodeLimit;
    private readonly ulong[] _allowed;
    private readonly long[] _covered;
    private readonly int[] _chosen;
    private int _depth;
    private long _key;
    private int _k;
    private long _nodes;
    private bool _aborted;
    private int[]? _best;
    private long _bestKey = long.MaxValue;

    // Scratch per depth, so the search allocates nothing per node.
    private readonly int[][] _shortRows;
    private readonly int[][] _rowOptions;
    private readonly int[][] _rowNeeds;
    private readonly ulong[][] _branchBits;
    private readonly ulong[] _union;

    public FewestSplitsSolver(CoverModel model, int maxLocations, long? nodeLimit)
    {
        _model = model;
        _nodeLimit = nodeLimit ?? long.MaxValue;
        _allowed = new ulong[model.Words];
        _covered = new long[model.Rows];
        _chosen = new int[maxLocations + 1];
        _shortRows = NewJagged<int>(maxLocations + 1, model.Rows);
        _rowOptions = NewJagged<int>(maxLocations + 1, model.Rows);
        _rowNeeds = NewJagged<int>(maxLocations + 1, model.Rows);
        _branchBits = NewJagged<ulong>(maxLocations + 1, model.Words);
        _union = new ulong[model.Words];
    }

    public Outcome Solve(int fromSize, int toSize)
    {
        for (_k = fromSize; _k <= toSize; _k++)
        {
            Array.Clear(_allowed);
            for (var c = 0; c < _model.Candidates; c++) _allowed[c >> 6] |= 1UL << (c & 63);
            Array.Clear(_covered);
            _depth = 0;
            _key = 0;
            Node();
            if (_best is not null || _aborted) return new Outcome(_best, _nodes, !_aborted, _k);
        }
        return new Outcome(null, _nodes, true, toSize);
    }

    private void Node()
    {
        if (++_nodes > _nodeLimit)
        {
            _aborted = true;
            return;
        }
        var placesLeft = _k - _depth;
        var shortRows = _shortRows[_depth];
        var shortCount = 0;
        for (var r = 0; r < _model.Rows; r++)
            if (_covered[r] < _model.Required[r]) shortRows[shortCount++] = r;

        if (shortCount == 0)
        {
            var failing = FirstSharedSkuThatCannotShip();
            if (failing is null)
            {
                Offer();
                return;
            }
            if (placesLeft > 0) Branch(failing.SkuRow, placesLeft, shortCount);
            return;
        }
        if (placesLeft == 0) return;

        // Each short row: how many allowed candidates could help, and how few of them would do.
        var options = _rowOptions[_depth];
        var needs = _rowNeeds[_depth];
        for (var i = 0; i < shortCount; i++)
        {
            var r = shortRows[i];
            options[i] = CountAllowed(_model.RowBits[r]);
            needs[i] = FewestToCover(r, placesLeft);
            if (needs[i] > placesLeft) return;
        }
        SortByOptions(shortRows, options, needs, shortCount);

        // Rows with no allowed candidate in common need separate candidates.
        Array.Clear(_union);
        var separateNeed = 0;
        long separateKey = 0;
        for (var i = 0; i < shortCount; i++)
        {
            var bits = _model.RowBits[shortRows[i]];
            if (SharesAllowed(bits, _union)) continue;
            for (var w = 0; w < _union.Length; w++) _union[w] |= bits[w] & _allowed[w];
            separateNeed += needs[i];
            if (separateNeed > placesLeft) return;
            separateKey += CheapestAllowed(bits, needs[i]);
        }
        if (_best is not null)
        {
            var bound = _key + Math.Max(CheapestAllowed(null, placesLeft), separateKey + CheapestAllowed(null, placesLeft - separateNeed));
            if (bound > _bestKey) return;
        }
        Branch(shortRows[0], placesLeft, shortCount);
    }

    private void Branch(int row, int placesLeft, int shortCount)
    {
        var bits = _branchBits[_depth];
        var rowBits = _model.RowBits[row];
        for (var w = 0; w < bits.Length; w++) bits[w] = rowBits[w] & _allowed[w];
        var shortRows = _shortRows[_depth];

        for (var w = 0; w < bits.Length; w++)
        {
            var word = bits[w];
            while (word != 0)
            {
                var c = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (_best is not null && _key + _model.Key[c] + CheapestAllowedBut(c, placesLeft - 1) > _bestKey) goto restore;

                if (placesLeft == 1 && shortCount > 0)
                {
                    // The last place: only a candidate that covers every short row on its own can finish the route.
                    if (CoversAll(c, shortRows, shortCount))
                    {
                        Take(c);
                        if (FirstSharedSkuThatCannotShip() is null) Offer();
                        Untake(c);
                    }
                    continue;
                }
                Take(c);
                Node();
                Untake(c);
                if (_aborted) goto restore;
                _allowed[c >> 6] &= ~(1UL << (c & 63));
            }
        }
    restore:
        // Every candidate in bits was allowed when the loop began; the ones barred along the way are allowed again for
        // the parent's next siblings.
        for (var w = 0; w < bits.Length; w++) _allowed[w] |= bits[w];
    }

    private void Take(int c)
    {
        _allowed[c >> 6] &= ~(1UL << (c & 63));
        _chosen[_depth++] = c;
        _key += _model.Key[c];
        var rows = _model.CandidateRows[c];
        var baseIndex = c * _model.Rows;
        foreach (var r in rows) _covered[r] += _model.Amount[baseIndex + r];
    }

    private void Untake(int c)
    {
        _depth--;
        _key -= _model.Key[c];
        var rows = _model.CandidateRows[c];
        var baseIndex = c * _model.Rows;
        foreach (var r in rows) _covered[r] -= _model.Amount[baseIndex + r];
        _allowed[c >> 6] |= 1UL << (c & 63);
    }

    private void Offer()
    {
        var set = _chosen.AsSpan(0, _depth).ToArray();
        Array.Sort(set);
        if (_best is not null && (_key > _bestKey || (_key == _bestKey && !ComesFirst(set, _best)))) return;
        _best = set;
        _bestKey = _key;
    }

    /// <summary>Among equally scored sets, the one whose locations come first in ranking order.</summary>
    private static bool ComesFirst(int[] set, int[] other)
    {
        for (var i = 0; i < set.Length && i < other.Length; i++)
            if (set[i] != other[i]) return set[i] < other[i];
        return set.Length < other.Length;
    }

    private SharedSkuLines? FirstSharedSkuThatCannotShip()
    {
        foreach (var shared in _model.SharedSkus)
            if (!shared.CanShip(_chosen.AsSpan(0, _depth))) return shared;
        return null;
    }

    private bool CoversAll(int c, int[] rows, int count)
    {
        var baseIndex = c * _model.Rows;
        for (var i = 0; i < count; i++)
        {
            var r = rows[i];
            if (_covered[r] + _model.Amount[baseIndex + r] < _model.Required[r]) return false;
        }
        return true;
    }

    /// <summary>The fewest allowed candidates that could make up the row's deficit (more than <paramref name="atMost"/>: give up).</summary>
    private int FewestToCover(int r, int atMost)
    {
        var deficit = _model.Required[r] - _covered[r];
        var count = 0;
        foreach (var c in _model.RowByAmount[r])
        {
            if ((_allowed[c >> 6] & (1UL << (c & 63))) == 0) continue;
            deficit -= _model.Amount[c * _model.Rows + r];
            if (++count > atMost || deficit <= 0) return count;
        }
        return int.MaxValue;
    }

    private int CountAllowed(ulong[] bits)
    {
        var count = 0;
        for (var w = 0; w < bits.Length; w++) count += BitOperations.PopCount(bits[w] & _allowed[w]);
        return count;
    }

    private bool SharesAllowed(ulong[] bits, ulong[] union)
    {
        for (var w = 0; w < bits.Length; w++)
            if ((bits[w] & _allowed[w] & union[w]) != 0) return true;
        return false;
    }

    /// <summary>Sum of the <paramref name="count"/> lowest keys among allowed candidates (of <paramref name="within"/>, or all).</summary>
    private long CheapestAllowed(ulong[]? within, int count) => CheapestAllowedBut(-1, count, within);

    private long CheapestAllowedBut(int skip, int count, ulong[]? within = null)
    {
        long sum = 0;
        // Candidates are in ranking order, so the first allowed ones have the lowest keys.
        for (var w = 0; w < _allowed.Length && count > 0; w++)
        {
            var word = _allowed[w] & (within is null ? ulong.MaxValue : within[w]);
            while (word != 0 && count > 0)
            {
                var c = (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (c == skip) continue;
                sum += _model.Key[c];
                count--;
            }
        }
        // Not enough candidates left: no completion exists, so no bound is too high.
        return count > 0 ? long.MaxValue / 4 : sum;
    }

    private static void SortByOptions(int[] rows, int[] options, int[] needs, int count)
    {
        for (var i = 1; i < count; i++)
        {
            int row = rows[i], option = options[i], need = needs[i];
            var j = i - 1;
            while (j >= 0 && options[j] > option)
            {
                rows[j + 1] = rows[j];
                options[j + 1] = options[j];
                needs[j + 1] = needs[j];
                j--;
            }
            rows[j + 1] = row;
            options[j + 1] = option;
            needs[j + 1] = need;
        }
    }

    private static T[][] NewJagged<T>(int outer, int inner)
    {
        var arrays = new T[outer][];
        for (var i = 0; i < outer; i++) arrays[i] = new T[inner];
        return arrays;
    }
}
