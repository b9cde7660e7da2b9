using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Inventory;
using Waybill.Domain.Orders;
using Waybill.Domain.Routing;
using Waybill.Server.Data;

namespace Waybill.Server.Routing;

/// <summary>
/// What one routing attempt may use, read once: the candidate locations (the channel group's active locations; a pickup
/// group's own location) with their available-to-fulfill per SKU, and how much of each SKU the channel's group still lets
/// the order take — what its capture reservation holds there plus the group's own ATF (a location's ATF does not see
/// reservations made at a group, so without this cap routing could promise stock the group already promised others).
/// Negative figures count as zero.
/// </summary>
internal sealed class StockNetwork
{
    private readonly Dictionary<string, Location> _locations;
    private readonly List<string> _members;
    private readonly Dictionary<(string Location, string Sku), long> _stock;
    private readonly Dictionary<string, long> _groupPool;

    private StockNetwork(Dictionary<string, Location> locations, List<string> members, Dictionary<(string, string), long> stock, Dictionary<string, long> groupPool)
    {
        _locations = locations;
        _members = members;
        _stock = stock;
        _groupPool = groupPool;
    }

    public static async Task<StockNetwork> ReadAsync(WaybillDb db, Order order, string groupCode, IReadOnlyList<string> skus, Reservation? reservation,
        CancellationToken cancellationToken)
    {
        var members = groupCode == LocationGroup.All
            ? await db.Locations.AsNoTracking().Where(l => l.Active).Select(l => l.Code).ToListAsync(cancellationToken)
            : await (from m in db.LocationGroupMembers
                     join l in db.Locations on m.LocationCode equals l.Code
                     where m.GroupCode == groupCode && l.Active
                     select l.Code).ToListAsync(cancellationToken);
        var pickups = order.DeliveryGroups.Where(g => g.DeliveryMethod.Type == DeliveryMethodType.Pickup && g.DeliveryMethod.LocationCode is not null)
            .Select(g => g.DeliveryMethod.LocationCode!).ToList();
        var codes = members.Concat(pickups).Distinct(StringComparer.Ordinal).ToList();
        var locations = await db.Locations.AsNoTracking().Where(l => codes.Contains(l.Code)).ToDictionaryAsync(l => l.Code, StringComparer.Ordinal, cancellationToken);
        var rows = await db.StockLevels.AsNoTracking().Where(s => codes.Contains(s.LocationCode) && skus.Contains(s.Sku)).ToListAsync(cancellationToken);
        var stock = rows.ToDictionary(r => (r.LocationCode, r.Sku), r => Math.Max(0, r.Figures.AvailableToFulfill));
        // A pickup location may also use what the capture held there for this order.
        foreach (var pickup in pickups.Distinct(StringComparer.Ordinal))
            foreach (var sku in skus)
                if (reservation?.HeldAt(sku, StockTarget.Location(pickup)) is > 0 and var held)
                    stock[(pickup, sku)] = stock.GetValueOrDefault((pickup, sku)) + held;

        var groupRows = await db.GroupStock.AsNoTracking()
            .Where(g => (g.GroupCode == groupCode || g.GroupCode == LocationGroup.All) && skus.Contains(g.Sku)).ToListAsync(cancellationToken);
        var pool = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            // A new hold at a location must fit the group and `all` (which counts every group's reservations).
            var free = groupRows.Where(g => g.Sku == sku).Select(g => Math.Max(0, g.Figures.AvailableToFulfill)).DefaultIfEmpty(0).Min();
            pool[sku] = (reservation?.HeldAt(sku, StockTarget.Group(groupCode)) ?? 0) + free;
        }
        return new StockNetwork(locations, members.Where(locations.ContainsKey).ToList(), stock, pool);
    }

    public sealed record NetworkLocation(string Code, double? Latitude, double? Longitude, int Priority, Dictionary<string, long> Stock)
    {
        /// <summary>
        /// As the solver wants it. Without a destination every place is at (0, 0), so priority decides; a location
        /// without coordinates is put at the destination's antipode — the farthest a place can be — so it ranks last.
        /// </summary>
        public CandidateLocation Locate(GeoPoint? destination)
        {
            var (lat, lon) = destination is not { } d ? (0d, 0d)
                : Latitude is { } la && Longitude is { } lo ? (la, lo)
                : (-d.Latitude, d.Longitude > 0 ? d.Longitude - 180 : d.Longitude + 180);
            return new CandidateLocation(Code, lat, lon, Priority, Stock);
        }
    }

    private static bool IsPickup(DeliveryGroup group) => group.DeliveryMethod.Type == DeliveryMethodType.Pickup;

    /// <summary>Where a delivery group may ship from: its pickup location only, or the channel group's active locations.</summary>
    public List<NetworkLocation> CandidatesFor(DeliveryGroup group)
    {
        var codes = IsPickup(group)
            ? group.DeliveryMethod.LocationCode is { } store && _locations.ContainsKey(store) ? [store] : []
            : _members;
        return codes.Order(StringComparer.Ordinal).Select(code =>
        {
            var l = _locations[code];
            var stock = _stock.Where(s => s.Key.Location == code).ToDictionary(s => s.Key.Sku, s => s.Value, StringComparer.Ordinal);
            return new NetworkLocation(code, l.Latitude, l.Longitude, l.Priority, stock);
        }).ToList();
    }

    /// <summary>
    /// The lines capped at what can ship now: a line gets at most what its SKU has at the places it may go (after the
    /// lines before it) and, for a shipped group, what the channel's group still lets the order take. Lines left with
    /// nothing are dropped.
    /// </summary>
    public List<RoutingLine> Cap(DeliveryGroup group, IReadOnlyList<OrderLine> lines, IReadOnlyList<NetworkLocation> candidates, IReadOnlyList<LineExclusion> excluded)
    {
        var used = new Dictionary<string, long>(StringComparer.Ordinal);
        var result = new List<RoutingLine>();
        foreach (var line in lines)
        {
            var sku = line.Sku!;
            var allowed = candidates.Where(c => !excluded.Any(e => e.LineKey == line.Id && e.Location == c.Code)).Sum(c => c.Stock.GetValueOrDefault(sku));
            var everywhere = candidates.Sum(c => c.Stock.GetValueOrDefault(sku));
            var left = Math.Min(allowed, everywhere - used.GetValueOrDefault(sku));
            if (!IsPickup(group)) left = Math.Min(left, _groupPool.GetValueOrDefault(sku) - used.GetValueOrDefault(sku));
            var quantity = (int)Math.Clamp(left, 0, line.QuantityAvailableToFulfill);
            used[sku] = used.GetValueOrDefault(sku) + quantity;
            if (quantity > 0) result.Add(new RoutingLine(line.Id, sku, quantity));
        }
        return result;
    }

    /// <summary>What a planned delivery group takes is no longer there for the next one.</summary>
    public void Take(DeliveryGroup group, IEnumerable<AttemptAllocation> allocations)
    {
        foreach (var a in allocations)
        {
            _stock[(a.Location, a.Sku)] = _stock.GetValueOrDefault((a.Location, a.Sku)) - a.Quantity;
            if (!IsPickup(group)) _groupPool[a.Sku] = _groupPool.GetValueOrDefault(a.Sku) - a.Quantity;
        }
    }
}
