using System.Globalization;
using System.Text;

namespace Waybill.Domain.Orders;

/// <summary>A run of a line's units: <c>[First, First + Count)</c>, counted from the front of the line.</summary>
public readonly record struct UnitRun(int First, int Count)
{
    public int End => First + Count;
}

/// <summary>
/// A set of a line's units as sorted, separate runs — which units came back on returns. Returns take the most recently
/// shipped units first (domain.md "Units"), and units ship from the front, so the units a return takes are the last
/// shipped ones not taken yet; with shipments between returns those are not one run, so the set is kept, not a count.
/// Stored as text: <c>"3+2,7+1"</c> (first unit + count).
/// </summary>
public sealed class UnitRanges : IEquatable<UnitRanges>
{
    private readonly List<UnitRun> _runs;

    private UnitRanges(List<UnitRun> runs) => _runs = runs;

    public static UnitRanges Empty { get; } = new([]);

    public IReadOnlyList<UnitRun> Runs => _runs;
    public int Count => _runs.Sum(r => r.Count);

    public bool Contains(int unit) => _runs.Any(r => unit >= r.First && unit < r.End);

    /// <summary>
    /// The <paramref name="count"/> highest units below <paramref name="below"/> not in the set, as runs from the back
    /// (highest run first), and the set with them added. Throws when fewer than that are free.
    /// </summary>
    public (IReadOnlyList<UnitRun> Taken, UnitRanges After) TakeFromBack(int below, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var taken = new List<UnitRun>();
        var left = count;
        var top = below;
        // Walk the set's runs from the back: the gap above each run (up to `top`) is free.
        for (var i = _runs.Count - 1; i >= -1 && left > 0; i--)
        {
            var floor = i >= 0 ? Math.Min(_runs[i].End, top) : 0;
            if (i >= 0 && _runs[i].First >= top) continue;
            var free = top - floor;
            if (free > 0)
            {
                var take = Math.Min(free, left);
                taken.Add(new UnitRun(top - take, take));
                left -= take;
            }
            if (i >= 0) top = Math.Min(top, _runs[i].First);
        }
        if (left > 0)
            throw new ArgumentOutOfRangeException(nameof(count), $"Only {count - left} units below {below} are not taken; {count} were asked for.");
        return (taken, Merge(_runs.Concat(taken)));
    }

    /// <summary>This set and <paramref name="other"/> together; they must not share a unit.</summary>
    public UnitRanges With(UnitRanges other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Merge(_runs.Concat(other._runs));
    }

    public static UnitRanges Of(IEnumerable<UnitRun> runs) => Merge(runs);

    /// <summary>This set less the units of <paramref name="other"/>.</summary>
    public UnitRanges Without(UnitRanges other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var units = _runs.SelectMany(r => Enumerable.Range(r.First, r.Count)).Where(u => !other.Contains(u));
        return Merge(units.Select(u => new UnitRun(u, 1)));
    }

    /// <summary>The units of this set below <paramref name="bound"/>.</summary>
    public UnitRanges Below(int bound) =>
        Merge(_runs.Where(r => r.First < bound).Select(r => new UnitRun(r.First, Math.Min(r.End, bound) - r.First)));

    /// <summary>The units of this set at or above <paramref name="bound"/>.</summary>
    public UnitRanges From(int bound) =>
        Merge(_runs.Where(r => r.End > bound).Select(r => new UnitRun(Math.Max(r.First, bound), r.End - Math.Max(r.First, bound))));

    public static UnitRanges Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Empty;
        var runs = new List<UnitRun>();
        foreach (var part in text.Split(','))
        {
            var plus = part.IndexOf('+', StringComparison.Ordinal);
            if (plus <= 0) throw new FormatException($"'{part}' is not a unit run (first+count).");
            runs.Add(new UnitRun(int.Parse(part.AsSpan(0, plus), CultureInfo.InvariantCulture), int.Parse(part.AsSpan(plus + 1), CultureInfo.InvariantCulture)));
        }
        return Merge(runs);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var run in _runs)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture, $"{run.First}+{run.Count}");
        }
        return text.ToString();
    }

    public bool Equals(UnitRanges? other) => other is not null && _runs.SequenceEqual(other._runs);
    public override bool Equals(object? obj) => Equals(obj as UnitRanges);
    public override int GetHashCode() => _runs.Aggregate(0, HashCode.Combine);

    private static UnitRanges Merge(IEnumerable<UnitRun> runs)
    {
        var merged = new List<UnitRun>();
        foreach (var run in runs.Where(r => r.Count > 0).OrderBy(r => r.First))
        {
            if (merged.Count > 0 && merged[^1].End > run.First) throw new ArgumentException("Unit runs overlap.", nameof(runs));
            if (merged.Count > 0 && merged[^1].End == run.First)
            {
                merged[^1] = new UnitRun(merged[^1].First, run.End - merged[^1].First);
                continue;
            }
            merged.Add(run);
        }
        return new UnitRanges(merged);
    }
}
