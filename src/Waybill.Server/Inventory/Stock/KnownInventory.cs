using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Inventory;
using Waybill.Server.Data;

namespace Waybill.Server.Inventory.Stock;

/// <summary>
/// Locations, location groups and SKUs this node has seen committed, so a reservation or an availability call that names
/// them skips the look-ups (a hot SKU's reservations otherwise cost two queries each before they are even decided).
/// Safe to keep because none of them is ever deleted: a location or group, once created, stays (a location can only be
/// deactivated, which these checks do not look at), and a SKU is known once a location has a stock row of it, and stock
/// rows are never removed. A miss asks the database — all the misses of a call in one query per kind. (Deleting any of
/// them would have to be made known to every node first; nothing deletes them today.)
/// </summary>
public sealed class KnownInventory
{
    private const int Capacity = 200_000;
    private readonly ConcurrentDictionary<StockTarget, byte> _targets = new();
    private readonly ConcurrentDictionary<string, byte> _skus = new(StringComparer.Ordinal);

    /// <summary>The named locations and groups that do not exist (the built-in group <c>all</c> always does).</summary>
    public async Task<IReadOnlySet<StockTarget>> MissingAsync(WaybillDb db, IEnumerable<StockTarget> targets, CancellationToken cancellationToken)
    {
        var unknown = targets.Where(t => !(t.Kind == TargetKind.Group && t.Code == LocationGroup.All) && !_targets.ContainsKey(t)).ToHashSet();
        if (unknown.Count == 0) return unknown;
        var locations = unknown.Where(t => t.Kind == TargetKind.Location).Select(t => t.Code).ToList();
        var groups = unknown.Where(t => t.Kind == TargetKind.Group).Select(t => t.Code).ToList();
        var found = new List<StockTarget>();
        if (locations.Count > 0)
            found.AddRange((await db.Locations.AsNoTracking().Where(l => locations.Contains(l.Code)).Select(l => l.Code).ToListAsync(cancellationToken))
                .Select(StockTarget.Location));
        if (groups.Count > 0)
            found.AddRange((await db.LocationGroups.AsNoTracking().Where(g => groups.Contains(g.Code)).Select(g => g.Code).ToListAsync(cancellationToken))
                .Select(StockTarget.Group));
        foreach (var target in found)
        {
            Remember(_targets, target);
            unknown.Remove(target);
        }
        return unknown;
    }

    /// <summary>The named SKUs no location has ever had stock of.</summary>
    public async Task<IReadOnlySet<string>> UnknownSkusAsync(WaybillDb db, IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var unknown = skus.Where(s => !_skus.ContainsKey(s)).ToHashSet(StringComparer.Ordinal);
        if (unknown.Count == 0) return unknown;
        var wanted = unknown.ToList();
        foreach (var sku in await db.StockLevels.AsNoTracking().Where(s => wanted.Contains(s.Sku)).Select(s => s.Sku).Distinct().ToListAsync(cancellationToken))
        {
            Remember(_skus, sku);
            unknown.Remove(sku);
        }
        return unknown;
    }

    private static void Remember<T>(ConcurrentDictionary<T, byte> known, T value) where T : notnull
    {
        // A crude bound on memory: start over rather than track recency on the hot path.
        if (known.Count >= Capacity) known.Clear();
        known.TryAdd(value, 0);
    }
}
