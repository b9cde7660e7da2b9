using Microsoft.EntityFrameworkCore;
using Waybill.Domain.Inventory;
using Waybill.Domain.Orders;
using Waybill.Domain.Routing;
using Waybill.Server.Data;

namespace Waybill.Server.Routing;

/// <summary>
/// What one routing attempt may use, read once into a <see cref="RoutingSnapshot"/>: the candidate locations (the channel
/// group's active locations; a pickup group's own location) with their available-to-fulfill per SKU, and how much of each
/// SKU the channel's group still lets the order take — what its capture reservation holds there plus the group's own ATF (a
/// location's ATF does not see reservations made at a group, so without this cap routing could promise stock the group
/// already promised others). Negative figures count as zero.
/// </summary>
internal static class StockNetwork
{
    public static async Task<RoutingSnapshot> ReadAsync(WaybillDb db, Order order, string groupCode, IReadOnlyList<OrderLine> lines, Reservation? reservation,
        IReadOnlyList<LineExclusion> exclusions, int maxSplits, bool partial, CancellationToken cancellationToken)
    {
        var skus = lines.Select(l => l.Sku!).Distinct(StringComparer.Ordinal).ToList();
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

        var network = locations.Values.OrderBy(l => l.Code, StringComparer.Ordinal).Select(l => new SnapshotLocation(l.Code, l.Latitude, l.Longitude, l.Priority,
            stock.Where(s => s.Key.LocationCode == l.Code).ToDictionary(s => s.Key.Sku, s => s.Value, StringComparer.Ordinal))).ToList();
        var shippedFrom = members.Where(locations.ContainsKey).Order(StringComparer.Ordinal).ToList();
        var groups = new List<SnapshotGroup>();
        foreach (var group in order.DeliveryGroups.Where(g => g.DeliveryMethod.Type != DeliveryMethodType.Digital))
        {
            var groupLines = lines.Where(l => l.DeliveryGroupId == group.Id).Select(l => new RoutingLine(l.Id, l.Sku!, l.QuantityAvailableToFulfill)).ToList();
            if (groupLines.Count == 0) continue;
            var pickup = group.DeliveryMethod.Type == DeliveryMethodType.Pickup ? group.DeliveryMethod.LocationCode ?? "" : null;
            List<string> candidates = pickup is null ? shippedFrom : locations.ContainsKey(pickup) ? [pickup] : [];
            groups.Add(new SnapshotGroup(group.Id, group.Reference, group.ShippingAddress?.Latitude, group.ShippingAddress?.Longitude, pickup, candidates, groupLines));
        }
        return new RoutingSnapshot(maxSplits, partial, network, pool, groups, exclusions);
    }
}
